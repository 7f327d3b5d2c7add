package io.pillsnap.inference.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pillsnap.inference.InferenceServer;
import io.pillsnap.inference.testing.ServedRun;
import io.pillsnap.inference.testing.TestClient;
import io.pillsnap.inference.testing.TestClient.Part;
import io.pillsnap.inference.testing.TestServers;
import io.pillsnap.inference.testing.TrainedRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The original system's endpoints with its field names (requirements 7.4 and the checks of its
 * tests, 7.7), so its clients work unchanged.
 */
class LegacyApiTest {

    @RegisterExtension static final ServedRun served = new ServedRun();

    @Test
    void healthIsPublicAndReportsTheLoadedModels() {
        TestClient.Response response = served.client().withKey(null).get("/health");

        assertThat(response.status()).isEqualTo(200);
        JsonNode body = response.json();
        assertThat(body.path("status").asText()).isEqualTo("ok");
        assertThat(body.path("device").asText()).isEqualTo("cpu");
        assertThat(body.path("uptime_sec").isNumber()).isTrue();
        assertThat(body.has("detection_engine")).isTrue();
        assertThat(body.path("classification_engine").asText()).isEqualTo("onnx");
        assertThat(body.path("models_loaded").path("classification").asBoolean()).isTrue();
        assertThat(body.path("models_loaded").path("detection").asBoolean()).isFalse();
    }

    @Test
    void versionNeedsTheKey() {
        TestClient.Response without = served.client().withKey(null).get("/version");
        assertThat(without.status()).isEqualTo(401);
        assertThat(without.json().path("code").asText()).isEqualTo("unauthorized");

        JsonNode body = served.client().get("/version").json();
        assertThat(body.path("app").asText()).isEqualTo("pillsnap-ml");
        assertThat(body.path("drug_metadata_loaded").asBoolean()).isTrue();
        assertThat(body.path("num_classes").asInt()).isEqualTo(TrainedRun.CLASSES);
        assertThat(body.path("classification_model_path").asText()).endsWith("classifier.onnx");
        assertThat(body.has("detection_model_path")).isTrue();
        assertThat(body.has("git_sha")).isTrue();
        assertThat(body.path("exported_at").asText())
                .isEqualTo(served.run().manifest().createdAt());
    }

    @Test
    void predictAnswersWithTheOriginalFieldNames() {
        TrainedRun.Sample sample = served.run().trainingSample(3);

        TestClient.Response response =
                served.client()
                        .postImage(
                                "/predict?mode=single&conf_threshold=1", "image", sample.bytes());

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode body = response.json();
        assertThat(body.fieldNames())
                .toIterable()
                .containsExactlyInAnyOrder(
                        "class_id",
                        "confidence",
                        "drug_metadata",
                        "hint",
                        "classification_engine",
                        "time_ms",
                        "version_tag",
                        "decision");
        int classId = body.path("class_id").asInt();
        var drug = served.run().manifest().classes().get(classId);
        assertThat(body.path("drug_metadata").path("di_edi_code").asText())
                .isEqualTo(drug.ediCode());
        assertThat(body.path("drug_metadata").path("dl_name").asText()).isEqualTo(drug.name());
        assertThat(body.path("confidence").asDouble()).isBetween(0.0, 1.0);
        assertThat(body.path("classification_engine").asText()).isEqualTo("onnx");
        assertThat(body.path("time_ms").path("classification").asDouble()).isPositive();
        assertThat(body.path("time_ms").path("total").asDouble()).isPositive();
        assertThat(body.path("version_tag").asText()).isEqualTo("tiny/first");
        assertThat(body.path("hint").asText()).contains("low confidence");
    }

    @Test
    void predictWithoutTheKeyIsUnauthorized() {
        TestClient.Response response =
                served.client()
                        .withKey(null)
                        .postImage("/predict", "image", served.run().trainingSample(0).bytes());

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.json().path("code").asText()).isEqualTo("unauthorized");
    }

    @Test
    void batchAnswersEveryImage() {
        List<Part> parts =
                List.of(
                        Part.png("images", "a.png", served.run().trainingSample(0).bytes()),
                        Part.png("images", "b.png", served.run().trainingSample(1).bytes()),
                        Part.png("images", "c.png", served.run().trainingSample(2).bytes()));

        TestClient.Response response = served.client().postParts("/batch", parts);

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode body = response.json();
        assertThat(body.path("count").asInt()).isEqualTo(3);
        assertThat(body.path("results")).hasSize(3);
        assertThat(body.path("total_detections").asInt()).isZero();
        assertThat(body.path("classification_engine").asText()).isEqualTo("onnx");
        assertThat(body.has("detection_engine")).isTrue();
        assertThat(body.path("time_ms").path("total").asDouble()).isPositive();
        JsonNode first = body.path("results").get(0);
        assertThat(first.path("mode").asText()).isEqualTo("single");
        assertThat(first.path("result").fieldNames())
                .toIterable()
                .containsExactlyInAnyOrder(
                        "class_id", "confidence", "drug_metadata", "hint", "decision");
    }

    @Test
    void reloadSwapsToAnotherRunAndRefusesABrokenOneKeepingTheOld() throws Exception {
        Path next = served.run().copyAs("second");
        try (InferenceServer own =
                InferenceServer.start(TestServers.settings(served.run().runDir()).build())) {
            TestClient c = new TestClient(own.port(), TestServers.KEY);

            TestClient.Response reloaded =
                    c.postJson("/reload", "{\"classification_path\": \"" + next + "\"}");

            assertThat(reloaded.status()).as(reloaded.body()).isEqualTo(200);
            assertThat(reloaded.json().path("ok").asBoolean()).isTrue();
            assertThat(reloaded.json().path("classification_engine").asText()).isEqualTo("onnx");
            assertThat(reloaded.json().path("version_tag").asText()).isEqualTo("tiny/second");
            TestClient.Response predicted =
                    c.postImage("/predict", "image", served.run().trainingSample(0).bytes());
            assertThat(predicted.json().path("version_tag").asText()).isEqualTo("tiny/second");

            Path broken = served.run().copyAs("broken-for-reload");
            Files.delete(broken.resolve("classifier.onnx"));
            TestClient.Response refused =
                    c.postJson("/reload", "{\"model_path\": \"" + broken + "\"}");
            assertThat(refused.status()).isEqualTo(422);
            assertThat(refused.json().path("code").asText()).isEqualTo("reload_failed");
            assertThat(refused.json().path("detail").asText())
                    .contains("kept serving tiny/second", "classifier.onnx");
            assertThat(c.get("/v1/model").json().path("version").asText()).isEqualTo("tiny/second");

            TestClient.Response outside =
                    c.postJson("/reload", "{\"classification_path\": \"/etc\"}");
            assertThat(outside.status()).isEqualTo(422);
            assertThat(outside.json().path("detail").asText()).contains("--reload-root");
        }
    }

    @Test
    void theRateLimitAnswers429WithRetryAfter() {
        try (InferenceServer limited =
                InferenceServer.start(
                        TestServers.settings(served.run().runDir())
                                .rateLimitPerMinute(3)
                                .build())) {
            TestClient c = new TestClient(limited.port(), TestServers.KEY);
            for (int i = 0; i < 3; i++) {
                assertThat(c.get("/version").status()).isEqualTo(200);
            }

            TestClient.Response limitedResponse =
                    c.postImage("/predict", "image", served.run().trainingSample(0).bytes());

            assertThat(limitedResponse.status()).isEqualTo(429);
            assertThat(limitedResponse.json().path("code").asText()).isEqualTo("rate_limited");
            assertThat(limitedResponse.retryAfter()).hasSize(1);
            assertThat(Integer.parseInt(limitedResponse.retryAfter().get(0))).isBetween(1, 60);
            assertThat(c.withKey(null).get("/health").status()).isEqualTo(200);
        }
    }
}
