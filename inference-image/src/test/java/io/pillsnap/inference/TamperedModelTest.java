package io.pillsnap.inference;

import static org.assertj.core.api.Assertions.assertThat;

import io.pillsnap.inference.testing.TestClient;
import io.pillsnap.inference.testing.TestServers;
import io.pillsnap.inference.testing.TrainedRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** A run folder whose model file changed after training is never served. */
class TamperedModelTest {

    @Test
    void aChangedByteInTheModelKeepsTheServerUnreadyNamingTheFile() throws IOException {
        Path copy = TrainedRun.get().copyAs("tampered-server");
        Path onnx = copy.resolve("classifier.onnx");
        byte[] bytes = Files.readAllBytes(onnx);
        bytes[bytes.length / 3] ^= 0x40;
        Files.write(onnx, bytes);

        try (InferenceServer server = InferenceServer.start(TestServers.settings(copy).build())) {
            TestClient client = new TestClient(server.port(), TestServers.KEY);

            TestClient.Response ready = client.get("/readyz");
            assertThat(ready.status()).isEqualTo(503);
            assertThat(ready.json().path("detail").asText())
                    .contains("checksum mismatch for classifier.onnx");
            assertThat(client.get("/healthz").status()).isEqualTo(200);

            TestClient.Response predict =
                    client.postImage(
                            "/v1/predict", "image", TrainedRun.get().trainingSample(0).bytes());
            assertThat(predict.status()).isEqualTo(503);
            assertThat(predict.json().path("code").asText()).isEqualTo("model_not_ready");
            assertThat(
                            client.get("/health")
                                    .json()
                                    .path("models_loaded")
                                    .path("classification")
                                    .asBoolean())
                    .isFalse();
            assertThat(client.get("/metrics").body()).contains("pillsnap_inference_model_ready 0");
        }
    }
}
