package io.pillsnap.inference.warmup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pillsnap.inference.InferenceServer;
import io.pillsnap.inference.testing.TestClient;
import io.pillsnap.inference.testing.TestServers;
import io.pillsnap.inference.testing.TrainedRun;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The server's requests to itself before it says ready: the whole path, and no trace of them. */
class WarmupTest {

    @Test
    void aWarmedServerIsReadyAndHasCountedLoggedAndChargedNothing() throws Exception {
        try (InferenceServer server =
                InferenceServer.start(
                        TestServers.settings(TrainedRun.get().runDir())
                                .warmupRequests(6)
                                .rateLimitPerMinute(1)
                                .build())) {
            TestClient client = new TestClient(server.port(), TestServers.KEY);
            assertThat(client.get("/readyz").status()).isEqualTo(200);

            String metrics = client.get("/metrics").body();
            assertThat(metrics).contains("pillsnap_inference_images_total 0.0");
            assertThat(metrics).doesNotContain("endpoint=\"/v1/predict\"");

            // the key's one request a minute is still whole: the warm-up took no share of it
            byte[] photo = TrainedRun.get().trainingSample(0).bytes();
            assertThat(client.postImage("/v1/predict", "image", photo).status()).isEqualTo(200);
            assertThat(client.postImage("/v1/predict", "image", photo).status()).isEqualTo(429);
            assertThat(client.get("/metrics").body())
                    .contains("pillsnap_inference_images_total 1.0");
        }
    }

    @Test
    void theHeaderWithoutThisProcesssTokenGrantsNothing() throws Exception {
        try (InferenceServer server =
                InferenceServer.start(
                        TestServers.settings(TrainedRun.get().runDir())
                                .warmupRequests(1)
                                .build())) {
            HttpResponse<String> answer =
                    HttpClient.newHttpClient()
                            .send(
                                    HttpRequest.newBuilder(
                                                    URI.create(
                                                            "http://127.0.0.1:"
                                                                    + server.port()
                                                                    + "/v1/model"))
                                            .header(Warmup.HEADER, "0".repeat(32))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).isEqualTo(401);
        }
    }

    @Test
    void readinessWaitsUntilTheWarmupIsOverOrGivenUp() {
        Warmup warmup = new Warmup(3);
        assertThat(warmup.pendingReason()).isEqualTo("warming up: 0 of 3 requests sent");
        assertThat(warmup.isWarmup(null)).isFalse();
        assertThat(warmup.isWarmup("")).isFalse();
        warmup.skip();
        assertThat(warmup.pendingReason()).isNull();

        assertThat(new Warmup(0).pendingReason()).isNull();
        assertThatThrownBy(() -> new Warmup(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(">= 0");
    }

    @Test
    void aServerWithoutAModelSkipsTheWarmupAndNamesTheModelsProblem() throws Exception {
        java.nio.file.Path empty = java.nio.file.Files.createTempDirectory("no-model");
        try (InferenceServer server =
                InferenceServer.start(TestServers.settings(empty).warmupRequests(5).build())) {
            TestClient.Response ready =
                    new TestClient(server.port(), TestServers.KEY).get("/readyz");
            assertThat(ready.status()).isEqualTo(503);
            assertThat(ready.json().path("detail").asText()).doesNotContain("warming up");
        }
    }
}
