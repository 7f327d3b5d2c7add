package io.pillsnap.inference.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pillsnap.api.artifact.ArtifactManifest;
import io.pillsnap.api.artifact.ModelFile;
import io.pillsnap.api.artifact.RgbImage;
import io.pillsnap.api.detection.ComboPipeline;
import io.pillsnap.inference.InferenceServer;
import io.pillsnap.inference.model.ModelLoadException;
import io.pillsnap.inference.model.OnnxClassifier;
import io.pillsnap.inference.model.OnnxDetector;
import io.pillsnap.inference.testing.TestClient;
import io.pillsnap.inference.testing.TestServers;
import io.pillsnap.inference.testing.TrainedRun;
import io.pillsnap.trainer.data.AihubLayout;
import io.pillsnap.trainer.data.AihubScanner;
import io.pillsnap.trainer.data.LabelledImage;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Combination mode over real HTTP on a run with both models: every pill the shared pipeline finds
 * on a held-out photo of several pills, with its box in the photo's pixels and its drugs; an empty
 * list for a photo without pills; batches; the original route with its field names.
 */
class ComboModeTest {

    static TrainedRun run;
    static InferenceServer server;
    static TestClient client;
    static List<LabelledImage> heldOut;

    @BeforeAll
    static void serve() {
        run = TrainedRun.twoStage();
        server = InferenceServer.start(TestServers.settings(run.runDir()).build());
        client = new TestClient(server.port(), TestServers.KEY);
        heldOut = AihubScanner.scan(run.dataDir(), AihubLayout.Split.VAL, 2).combinations();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aPhotoOfSeveralPillsAnswersEveryPillThePipelineFinds() throws Exception {
        List<List<ComboPipeline.Pill>> expected = inProcess(heldOut);
        int best = 0;
        for (int i = 1; i < expected.size(); i++) {
            if (expected.get(i).size() > expected.get(best).size()) {
                best = i;
            }
        }
        LabelledImage photo = heldOut.get(best);
        List<ComboPipeline.Pill> pills = expected.get(best);
        System.out.printf(
                "combo: %d of %d pills found on %s (held out)%n",
                pills.size(), photo.boxes().size(), photo.image().getFileName());
        assertThat(photo.boxes()).hasSizeGreaterThan(1);
        assertThat(pills).as("the detector finds pills on a held-out photo").hasSizeGreaterThan(1);

        TestClient.Response response =
                client.postImage(
                        "/v1/predict?mode=combo&topK=3",
                        "image",
                        Files.readAllBytes(photo.image()));

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode body = response.json();
        assertThat(body.path("mode").asText()).isEqualTo("combo");
        assertThat(body.path("count").asInt()).isEqualTo(pills.size());
        JsonNode answered = body.path("pills");
        assertThat(answered).hasSize(pills.size());
        for (int i = 0; i < pills.size(); i++) {
            ComboPipeline.Pill pill = pills.get(i);
            JsonNode item = answered.get(i);
            assertThat(item.path("box").path("x1").asDouble()).isCloseTo(pill.box().x1(), within());
            assertThat(item.path("box").path("y2").asDouble()).isCloseTo(pill.box().y2(), within());
            assertThat(item.path("confidence").asDouble())
                    .isCloseTo(pill.confidence(), org.assertj.core.data.Offset.offset(1e-3));
            assertThat(item.path("predictions")).hasSize(3);
            var drug = run.manifest().classes().get(pill.top().get(0).classIndex());
            assertThat(item.path("predictions").get(0).path("kCode").asText())
                    .isEqualTo(drug.kCode());
        }
        // the boxes are where the label puts pills: most answered boxes overlap a labelled one
        // (the tiny detector of 3 epochs may add a stray box; stage-3 runs are measured for real)
        int overlapping = 0;
        for (JsonNode item : answered) {
            double bestIou = 0;
            for (LabelledImage.Box truth : photo.boxes()) {
                bestIou = Math.max(bestIou, iou(item.path("box"), truth));
            }
            if (bestIou > 0.3) {
                overlapping++;
            }
        }
        assertThat(overlapping)
                .as(answered.toString())
                .isGreaterThanOrEqualTo((answered.size() + 1) / 2);
        assertThat(body.path("latencyMs").path("detection").asDouble()).isPositive();
        assertThat(body.path("latencyMs").path("classification").asDouble()).isPositive();
    }

    @Test
    void aPhotoWithoutPillsAnswersAnEmptyList() throws IOException {
        TestClient.Response response =
                client.postImage("/v1/predict?mode=combo", "image", blankPhoto());

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.json().path("count").asInt()).isZero();
        assertThat(response.json().path("pills")).isEmpty();

        TestClient.Response legacy = client.postImage("/predict?mode=combo", "image", blankPhoto());
        assertThat(legacy.status()).as(legacy.body()).isEqualTo(200);
        assertThat(legacy.json().path("detections")).isEmpty();
        assertThat(legacy.json().path("detection_count").asInt()).isZero();
    }

    @Test
    void aBatchAnswersEachPhotosPills() throws Exception {
        List<LabelledImage> two = heldOut.subList(0, 2);
        List<List<ComboPipeline.Pill>> expected = inProcess(two);
        List<TestClient.Part> parts = new ArrayList<>();
        for (LabelledImage photo : two) {
            parts.add(
                    TestClient.Part.png(
                            "images",
                            photo.image().getFileName().toString(),
                            Files.readAllBytes(photo.image())));
        }
        parts.add(TestClient.Part.png("images", "blank.png", blankPhoto()));

        JsonNode body = client.postParts("/v1/predict/batch?mode=combo", parts).json();
        assertThat(body.path("count").asInt()).isEqualTo(3);
        assertThat(body.path("results").get(0).path("count").asInt())
                .isEqualTo(expected.get(0).size());
        assertThat(body.path("results").get(1).path("count").asInt())
                .isEqualTo(expected.get(1).size());
        assertThat(body.path("results").get(2).path("pills")).isEmpty();

        JsonNode legacy = client.postParts("/batch?mode=combo&conf_threshold=0", parts).json();
        assertThat(legacy.path("count").asInt()).isEqualTo(3);
        int total = 0;
        for (JsonNode item : legacy.path("results")) {
            assertThat(item.path("mode").asText()).isEqualTo("combo");
            total += item.path("result").path("detection_count").asInt();
        }
        assertThat(legacy.path("total_detections").asInt())
                .isEqualTo(total)
                .isEqualTo(expected.get(0).size() + expected.get(1).size());
    }

    @Test
    void theOriginalRouteAnswersWithItsFieldNames() throws Exception {
        LabelledImage photo = heldOut.get(0);
        List<ComboPipeline.Pill> pills = inProcess(List.of(photo)).get(0);

        TestClient.Response response =
                client.postImage(
                        "/predict?mode=combo&conf_threshold=0",
                        "image",
                        Files.readAllBytes(photo.image()));

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode body = response.json();
        assertThat(body.fieldNames())
                .toIterable()
                .contains(
                        "detections",
                        "detection_count",
                        "detection_engine",
                        "classification_engine",
                        "time_ms",
                        "version_tag");
        assertThat(body.path("detection_count").asInt()).isEqualTo(pills.size());
        assertThat(body.path("time_ms").fieldNames())
                .toIterable()
                .containsExactlyInAnyOrder("detection", "classification", "total");
        for (JsonNode detection : body.path("detections")) {
            assertThat(detection.path("bbox")).hasSize(4);
            assertThat(detection.has("confidence")).isTrue();
            assertThat(detection.has("class_id")).isTrue();
            assertThat(detection.path("drug_metadata").has("di_edi_code")).isTrue();
        }
        JsonNode health = client.withKey(null).get("/health").json();
        assertThat(health.path("models_loaded").path("detection").asBoolean()).isTrue();
        assertThat(client.get("/version").json().path("detection_model_path").asText())
                .endsWith("detector.onnx");
    }

    /** The shared pipeline on the run's two ONNX files, in this process. */
    private static List<List<ComboPipeline.Pill>> inProcess(List<LabelledImage> photos)
            throws ModelLoadException, IOException {
        ArtifactManifest manifest = run.manifest();
        ModelFile classifierFile = manifest.model(ModelFile.CLASSIFIER).orElseThrow();
        ModelFile detectorFile = manifest.model(ModelFile.DETECTOR).orElseThrow();
        try (OnnxClassifier classifier =
                        OnnxClassifier.open(
                                run.runDir().resolve(classifierFile.file()),
                                classifierFile,
                                manifest.preprocessing().imageSize(),
                                manifest.classes().size(),
                                1.0,
                                1);
                OnnxDetector detector =
                        OnnxDetector.open(
                                run.runDir().resolve(detectorFile.file()), detectorFile, 1)) {
            ComboPipeline pipeline =
                    new ComboPipeline(
                            detector.imageSize(),
                            manifest.preprocessing(),
                            ComboPipeline.SERVING,
                            manifest.classes().size(),
                            3);
            List<List<ComboPipeline.Pill>> all = new ArrayList<>();
            for (LabelledImage photo : photos) {
                RgbImage image = RgbImage.of(ImageIO.read(photo.image().toFile()));
                all.add(pipeline.predict(image, detector, classifier::logits));
            }
            return all;
        }
    }

    private static org.assertj.core.data.Offset<Double> within() {
        return org.assertj.core.data.Offset.offset(0.051);
    }

    private static double iou(JsonNode box, LabelledImage.Box truth) {
        double x1 = Math.max(box.path("x1").asDouble(), truth.x());
        double y1 = Math.max(box.path("y1").asDouble(), truth.y());
        double x2 = Math.min(box.path("x2").asDouble(), truth.x() + truth.width());
        double y2 = Math.min(box.path("y2").asDouble(), truth.y() + truth.height());
        double inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
        double a =
                (box.path("x2").asDouble() - box.path("x1").asDouble())
                        * (box.path("y2").asDouble() - box.path("y1").asDouble());
        return inter / (a + truth.width() * truth.height() - inter);
    }

    /** A plain light-gray photo: nothing to find. */
    private static byte[] blankPhoto() throws IOException {
        BufferedImage image = new BufferedImage(64, 80, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 80; y++) {
            for (int x = 0; x < 64; x++) {
                image.setRGB(x, y, 0xd8d8d8);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }
}
