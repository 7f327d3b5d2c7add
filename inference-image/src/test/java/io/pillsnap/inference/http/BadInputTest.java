package io.pillsnap.inference.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pillsnap.inference.testing.ServedRun;
import io.pillsnap.inference.testing.TestClient;
import io.pillsnap.inference.testing.TestClient.Part;
import io.pillsnap.inference.testing.TestImages;
import io.pillsnap.inference.testing.TestServers;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.AbstractStringAssert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Each bad request gets a 4xx JSON error with a reason and a stable code, and the server goes on
 * serving: every test ends with a normal prediction.
 */
class BadInputTest {

    @RegisterExtension static final ServedRun served = new ServedRun();

    @AfterEach
    void theServerStillServes() {
        TestClient.Response response =
                served.client()
                        .postImage("/v1/predict", "image", served.run().trainingSample(0).bytes());
        assertThat(response.status()).as(response.body()).isEqualTo(200);
    }

    @Test
    void anEmptyBodyIsRefused() {
        assertError(served.client().postRaw("/v1/predict", new byte[0], null), 400, "empty_body")
                .contains("no body");
    }

    @Test
    void anEmptyImagePartIsRefused() {
        assertError(
                served.client().postImage("/v1/predict", "image", new byte[0]), 400, "empty_body");
    }

    @Test
    void aPhotoInTheWrongFieldIsRefusedNamingTheField() {
        byte[] photo = served.run().trainingSample(0).bytes();

        assertError(served.client().postImage("/v1/predict", "file", photo), 422, "missing_field")
                .contains("'image'", "[file]");
    }

    @Test
    void aTextFileNamedPngIsNotAnImage() {
        TestClient.Response response =
                served.client()
                        .postParts(
                                "/v1/predict",
                                List.of(
                                        new Part(
                                                "image",
                                                "pill.png",
                                                "image/png",
                                                TestImages.text())));

        assertError(response, 415, "not_an_image").contains("judged by its bytes");
    }

    @Test
    void aTruncatedPngIsUnreadable() {
        byte[] truncated = TestImages.truncated(served.run().trainingSample(0).bytes());

        assertError(
                        served.client().postImage("/v1/predict", "image", truncated),
                        422,
                        "unreadable_image")
                .contains("png");
    }

    @Test
    void aHeaderClaimingSixtyThousandSquarePixelsIsRefusedBeforeDecoding() {
        byte[] bomb = TestImages.pngClaiming(60_000, 60_000);

        assertError(served.client().postImage("/v1/predict", "image", bomb), 422, "image_too_large")
                .contains("60000 x 60000");
    }

    @Test
    void anOversizeUploadIsRefusedFromItsDeclaredLengthWithoutReadingIt() {
        TestClient.Response response =
                served.client().postDeclaringLength("/v1/predict", 50L * 1024 * 1024, 1024);

        assertError(response, 413, "payload_too_large").contains("52428800 bytes");
    }

    @Test
    void anOversizePartInsideASmallEnoughBodyIsRefused() {
        byte[] big = new byte[(int) TestServers.MAX_UPLOAD + 10_000];

        assertError(
                served.client().postImage("/v1/predict", "image", big), 413, "payload_too_large");
    }

    @Test
    void aWrongApiKeyIsUnauthorized() {
        byte[] photo = served.run().trainingSample(0).bytes();

        assertError(
                        served.client()
                                .withKey("wrong-key-0000000000")
                                .postImage("/v1/predict", "image", photo),
                        401,
                        "unauthorized")
                .contains("not valid");
        assertError(
                        served.client().withKey(null).postImage("/v1/predict", "image", photo),
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

        assertError(served.client().postParts("/v1/predict/batch", parts), 422, "too_many_images")
                .contains("17 images", "16");
    }

    @Test
    void comboModeWithoutADetectorSaysWhichStageAddsOne() {
        byte[] photo = served.run().trainingSample(0).bytes();

        assertError(
                        served.client().postImage("/v1/predict?mode=combo", "image", photo),
                        422,
                        "no_detector")
                .contains("no detector", "stage 3");
    }

    @Test
    void anUnknownModeIsRefused() {
        byte[] photo = served.run().trainingSample(0).bytes();

        assertError(
                        served.client().postImage("/v1/predict?mode=panorama", "image", photo),
                        422,
                        "unsupported_mode")
                .contains("single or combo");
    }

    @Test
    void aTopKOutOfRangeIsRefused() {
        byte[] photo = served.run().trainingSample(0).bytes();

        assertError(
                        served.client().postImage("/v1/predict?topK=0", "image", photo),
                        422,
                        "invalid_parameter")
                .contains("topK");
    }

    @Test
    void aJsonBodyIsAnUnsupportedMediaType() {
        assertError(
                served.client().postJson("/v1/predict", "{\"image\": \"aGVsbG8=\"}"),
                415,
                "unsupported_media_type");
    }

    @Test
    void anUnknownPathIsAJsonNotFound() {
        assertError(served.client().get("/v2/predict"), 404, "not_found").contains("/openapi.json");
    }

    private static AbstractStringAssert<?> assertError(
            TestClient.Response response, int status, String code) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        JsonNode body = response.json();
        assertThat(body.path("code").asText()).isEqualTo(code);
        return assertThat(body.path("detail").asText()).isNotBlank();
    }
}
