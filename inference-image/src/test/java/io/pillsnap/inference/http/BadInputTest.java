package io.pillsnap.inference.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pillsnap.inference.InferenceServer;
import io.pillsnap.inference.testing.TestClient;
import io.pillsnap.inference.testing.TestClient.Part;
import io.pillsnap.inference.testing.TestImages;
import io.pillsnap.inference.testing.TestServers;
import io.pillsnap.inference.testing.TrainedRun;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.AbstractStringAssert;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each bad request gets a 4xx JSON error with a reason and a stable code, and the server goes on
 * serving: every test ends with a normal prediction.
 */
class BadInputTest {

    static TrainedRun run;
    static InferenceServer server;
    static TestClient client;

    @BeforeAll
    static void start() {
        run = TrainedRun.get();
        server = InferenceServer.start(TestServers.settings(run.runDir()).build());
        client = new TestClient(server.port(), TestServers.KEY);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @AfterEach
    void theServerStillServes() {
        TestClient.Response response =
                client.postImage("/v1/predict", "image", run.trainingSample(0).bytes());
        assertThat(response.status()).as(response.body()).isEqualTo(200);
    }

    @Test
    void anEmptyBodyIsRefused() {
        assertError(client.postRaw("/v1/predict", new byte[0], null), 400, "empty_body")
                .contains("no body");
    }

    @Test
    void anEmptyImagePartIsRefused() {
        assertError(client.postImage("/v1/predict", "image", new byte[0]), 400, "empty_body");
    }

    @Test
    void aPhotoInTheWrongFieldIsRefusedNamingTheField() {
        byte[] photo = run.trainingSample(0).bytes();

        assertError(client.postImage("/v1/predict", "file", photo), 422, "missing_field")
                .contains("'image'", "[file]");
    }

    @Test
    void aTextFileNamedPngIsNotAnImage() {
        TestClient.Response response =
                client.postParts(
                        "/v1/predict",
                        List.of(new Part("image", "pill.png", "image/png", TestImages.text())));

        assertError(response, 415, "not_an_image").contains("judged by its bytes");
    }

    @Test
    void aTruncatedPngIsUnreadable() {
        byte[] truncated = TestImages.truncated(run.trainingSample(0).bytes());

        assertError(client.postImage("/v1/predict", "image", truncated), 422, "unreadable_image")
                .contains("png");
    }

    @Test
    void aHeaderClaimingSixtyThousandSquarePixelsIsRefusedBeforeDecoding() {
        byte[] bomb = TestImages.pngClaiming(60_000, 60_000);

        assertError(client.postImage("/v1/predict", "image", bomb), 422, "image_too_large")
                .contains("60000 x 60000");
    }

    @Test
    void anOversizeUploadIsRefusedFromItsDeclaredLengthWithoutReadingIt() {
        TestClient.Response response =
                client.postDeclaringLength("/v1/predict", 50L * 1024 * 1024, 1024);

        assertError(response, 413, "payload_too_large").contains("52428800 bytes");
    }

    @Test
    void anOversizePartInsideASmallEnoughBodyIsRefused() {
        byte[] big = new byte[(int) TestServers.MAX_UPLOAD + 10_000];

        assertError(client.postImage("/v1/predict", "image", big), 413, "payload_too_large");
    }

    @Test
    void aWrongApiKeyIsUnauthorized() {
        byte[] photo = run.trainingSample(0).bytes();

        assertError(
                        client.withKey("wrong-key-0000000000")
                                .postImage("/v1/predict", "image", photo),
                        401,
                        "unauthorized")
                .contains("not valid");
        assertError(
                        client.withKey(null).postImage("/v1/predict", "image", photo),
                        401,
                        "unauthorized")
                .contains("X-API-Key");
    }

    @Test
    void moreThanSixteenImagesInABatchAreRefused() {
        List<Part> parts = new ArrayList<>();
        for (int i = 0; i < 17; i++) {
            parts.add(Part.png("images", i + ".png", TestImages.pngClaiming(8, 8)));
        }

        assertError(client.postParts("/v1/predict/batch", parts), 422, "too_many_images")
                .contains("17 images", "16");
    }

    @Test
    void comboModeWithoutADetectorSaysWhichStageAddsOne() {
        byte[] photo = run.trainingSample(0).bytes();

        assertError(client.postImage("/v1/predict?mode=combo", "image", photo), 422, "no_detector")
                .contains("no detector", "stage 3");
    }

    @Test
    void anUnknownModeIsRefused() {
        byte[] photo = run.trainingSample(0).bytes();

        assertError(
                        client.postImage("/v1/predict?mode=panorama", "image", photo),
                        422,
                        "unsupported_mode")
                .contains("single or combo");
    }

    @Test
    void aTopKOutOfRangeIsRefused() {
        byte[] photo = run.trainingSample(0).bytes();

        assertError(
                        client.postImage("/v1/predict?topK=0", "image", photo),
                        422,
                        "invalid_parameter")
                .contains("topK");
    }

    @Test
    void aJsonBodyIsAnUnsupportedMediaType() {
        assertError(
                client.postJson("/v1/predict", "{\"image\": \"aGVsbG8=\"}"),
                415,
                "unsupported_media_type");
    }

    @Test
    void anUnknownPathIsAJsonNotFound() {
        assertError(client.get("/v2/predict"), 404, "not_found").contains("/openapi.json");
    }

    private static AbstractStringAssert<?> assertError(
            TestClient.Response response, int status, String code) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        JsonNode body = response.json();
        assertThat(body.path("code").asText()).isEqualTo(code);
        return assertThat(body.path("detail").asText()).isNotBlank();
    }
}
