package io.pillsnap.inference.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.pillsnap.api.artifact.ArtifactManifest;
import io.pillsnap.api.artifact.ImageDecoder;
import io.pillsnap.api.artifact.ModelFile;
import io.pillsnap.api.artifact.RgbImage;
import io.pillsnap.api.detection.ComboPipeline;
import io.pillsnap.inference.InferenceServer;
import io.pillsnap.inference.model.OnnxClassifier;
import io.pillsnap.inference.model.OnnxDetector;
import io.pillsnap.inference.predict.Predictor;
import io.pillsnap.inference.testing.Manifests;
import io.pillsnap.inference.testing.TestClient;
import io.pillsnap.inference.testing.TestClient.Part;
import io.pillsnap.inference.testing.TestServers;
import io.pillsnap.inference.testing.TrainedRun;
import io.pillsnap.trainer.data.AihubLayout;
import io.pillsnap.trainer.data.AihubScanner;
import io.pillsnap.trainer.data.LabelledImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * "Not sure" answers over real HTTP. The fixture run's manifest is given a calibration (temperature
 * 2) whose threshold lies between the calibrated top-1 confidences of two of its photos, worked out
 * here from the ONNX model's raw logits: the server names the drug of the surer photo and answers
 * the other "not sure" with its top guesses, in our API, in the original's and per pill in
 * combination mode; a manifest without calibration answers as before.
 */
class NotSureAnswersTest {

    static final double TEMPERATURE = 2.0;

    static TrainedRun run;
    static OnnxClassifier rawClassifier;

    /** The photos with the lowest and the highest calibrated top-1 confidence. */
    static TrainedRun.Sample unsure;

    static TrainedRun.Sample sure;
    static double unsureConfidence;
    static double sureConfidence;
    static double threshold;
    static InferenceServer server;
    static TestClient client;

    @BeforeAll
    static void serveACalibratedCopy() throws Exception {
        run = TrainedRun.get();
        ModelFile file = run.manifest().model(ModelFile.CLASSIFIER).orElseThrow();
        rawClassifier =
                OnnxClassifier.open(
                        run.runDir().resolve(file.file()),
                        file,
                        run.manifest().preprocessing().imageSize(),
                        run.manifest().classes().size(),
                        1.0,
                        1);
        unsureConfidence = Double.POSITIVE_INFINITY;
        sureConfidence = Double.NEGATIVE_INFINITY;
        for (TrainedRun.Sample sample : run.samples()) {
            double confidence = max(softmax(rawLogits(sample), TEMPERATURE));
            if (confidence < unsureConfidence) {
                unsure = sample;
                unsureConfidence = confidence;
            }
            if (confidence > sureConfidence) {
                sure = sample;
                sureConfidence = confidence;
            }
        }
        assertThat(sureConfidence - unsureConfidence)
                .as("the fixture's photos must differ in confidence")
                .isGreaterThan(0.02);
        threshold = (unsureConfidence + sureConfidence) / 2;
        Path calibrated = calibratedCopy(run, "not-sure-calibrated", threshold);
        server = InferenceServer.start(TestServers.settings(calibrated).build());
        client = new TestClient(server.port(), TestServers.KEY);
    }

    @AfterAll
    static void stop() {
        server.close();
        rawClassifier.close();
    }

    @Test
    void belowTheThresholdTheAnswerIsNotSureWithItsTopGuessesAndAboveItIsIdentified() {
        JsonNode below = client.postImage("/v1/predict", "image", unsure.bytes()).json();
        JsonNode above = client.postImage("/v1/predict", "image", sure.bytes()).json();

        assertThat(below.path("decision").asText()).isEqualTo("not_sure");
        assertThat(below.path("answerThreshold").asDouble()).isCloseTo(threshold, within(1e-12));
        assertThat(below.path("predictions")).hasSize(5);
        assertThat(below.path("predictions").get(0).path("probability").asDouble())
                .isCloseTo(unsureConfidence, within(1e-6));
        assertThat(above.path("decision").asText()).isEqualTo("identified");
        assertThat(above.path("predictions").get(0).path("probability").asDouble())
                .isCloseTo(sureConfidence, within(1e-6));

        JsonNode batch =
                client.postParts(
                                "/v1/predict/batch",
                                List.of(
                                        Part.png("images", "unsure.png", unsure.bytes()),
                                        Part.png("images", "sure.png", sure.bytes())))
                        .json();
        assertThat(batch.path("answerThreshold").asDouble()).isCloseTo(threshold, within(1e-12));
        assertThat(batch.path("results").get(0).path("decision").asText()).isEqualTo("not_sure");
        assertThat(batch.path("results").get(1).path("decision").asText()).isEqualTo("identified");
    }

    @Test
    void theServedProbabilitiesAreTheSoftmaxOfTheLogitsOverTheTemperature() {
        // the photo whose top probability the temperature moves most, so that serving the raw
        // softmax could not pass
        TrainedRun.Sample photo = null;
        double moved = 0;
        for (TrainedRun.Sample sample : run.samples()) {
            float[] logits = rawLogits(sample);
            double change = max(softmax(logits, 1.0)) - max(softmax(logits, TEMPERATURE));
            if (change > moved) {
                moved = change;
                photo = sample;
            }
        }
        assertThat(moved)
                .as("a temperature above 1 lowers the top probability")
                .isGreaterThan(0.01);
        double[] calibrated = softmax(rawLogits(photo), TEMPERATURE);

        JsonNode predictions =
                client.postImage("/v1/predict", "image", photo.bytes()).json().path("predictions");

        assertThat(predictions).hasSize(5);
        for (JsonNode p : predictions) {
            assertThat(p.path("probability").asDouble())
                    .isCloseTo(calibrated[p.path("classIndex").asInt()], within(1e-6));
        }
    }

    @Test
    void theOriginalApiAddsTheDecisionAndKeepsItsFieldsAndHints() {
        // conf_threshold keeps its own meaning: it decides the hint, the manifest decides decision
        JsonNode below =
                client.postImage("/predict?conf_threshold=0", "image", unsure.bytes()).json();
        JsonNode above =
                client.postImage("/predict?conf_threshold=1", "image", sure.bytes()).json();

        assertThat(below.fieldNames())
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
        assertThat(below.path("decision").asText()).isEqualTo("not_sure");
        assertThat(below.path("hint").isNull()).isTrue();
        assertThat(below.path("confidence").asDouble()).isCloseTo(unsureConfidence, within(1e-6));
        assertThat(above.path("decision").asText()).isEqualTo("identified");
        assertThat(above.path("hint").asText()).contains("low confidence", "conf_threshold 1.00");

        JsonNode batch =
                client.postParts(
                                "/batch",
                                List.of(
                                        Part.png("images", "unsure.png", unsure.bytes()),
                                        Part.png("images", "sure.png", sure.bytes())))
                        .json();
        assertThat(batch.path("results").get(0).path("result").path("decision").asText())
                .isEqualTo("not_sure");
        assertThat(batch.path("results").get(1).path("result").path("decision").asText())
                .isEqualTo("identified");
    }

    @Test
    void answersAreCountedByDecision() {
        String before = client.get("/metrics").body();

        client.postImage("/v1/predict", "image", unsure.bytes());
        client.postImage("/predict", "image", unsure.bytes());
        client.postImage("/v1/predict", "image", sure.bytes());

        String after = client.get("/metrics").body();
        assertThat(answers(after, "single", "not_sure") - answers(before, "single", "not_sure"))
                .isEqualTo(2);
        assertThat(answers(after, "single", "identified") - answers(before, "single", "identified"))
                .isEqualTo(1);
        assertThat(answers(after, "combo", "not_sure")).as("no combo answer here").isZero();
    }

    @Test
    void aManifestWithoutCalibrationAnswersEveryPhotoWithTheRawSoftmax() throws Exception {
        Path plain = run.copyAs("not-sure-uncalibrated");
        Manifests.edit(plain, m -> m.remove("calibration"));
        try (InferenceServer own = InferenceServer.start(TestServers.settings(plain).build())) {
            TestClient c = new TestClient(own.port(), TestServers.KEY);

            JsonNode answer = c.postImage("/v1/predict", "image", unsure.bytes()).json();

            assertThat(answer.path("decision").asText()).isEqualTo("identified");
            assertThat(answer.path("answerThreshold").asDouble()).isZero();
            double[] raw = softmax(rawLogits(unsure), 1.0);
            for (JsonNode p : answer.path("predictions")) {
                assertThat(p.path("probability").asDouble())
                        .isCloseTo(raw[p.path("classIndex").asInt()], within(1e-6));
            }
            JsonNode original = c.postImage("/predict", "image", unsure.bytes()).json();
            assertThat(original.path("decision").asText()).isEqualTo("identified");
            assertThat(original.path("confidence").asDouble()).isCloseTo(max(raw), within(1e-6));
            assertThat(c.get("/v1/model").json().path("calibration").isNull()).isTrue();
        }
    }

    @Test
    void whenNoThresholdReachedThePrecisionEvenTheSurestPhotoIsNotSure() {
        // what the trainer writes when no threshold reached the target on validation
        Path none = calibratedCopy(run, "not-sure-nothing-answered", Math.nextUp(1.0));
        try (InferenceServer own = InferenceServer.start(TestServers.settings(none).build())) {
            TestClient c = new TestClient(own.port(), TestServers.KEY);

            JsonNode answer = c.postImage("/v1/predict", "image", sure.bytes()).json();

            assertThat(answer.path("decision").asText()).isEqualTo("not_sure");
            assertThat(answer.path("answerThreshold").asDouble()).isGreaterThan(1.0);
            assertThat(c.get("/v1/model").json().path("calibration").path("temperature").asDouble())
                    .isEqualTo(TEMPERATURE);
        }
    }

    @Test
    void comboModeDecidesEachPillInBothApis() throws Exception {
        TrainedRun twoStage = TrainedRun.twoStage();
        List<LabelledImage> photos =
                AihubScanner.scan(twoStage.dataDir(), AihubLayout.Split.VAL, 2).combinations();
        // the photo whose pills' calibrated confidences are furthest apart, the threshold in the
        // middle of the widest gap between two of them
        LabelledImage photo = null;
        List<Double> confidences = List.of();
        double gap = 0;
        double comboThreshold = 0;
        for (LabelledImage candidate : photos) {
            List<Double> found = calibratedTopConfidences(twoStage, candidate);
            List<Double> sorted = found.stream().sorted().toList();
            for (int i = 1; i < sorted.size(); i++) {
                if (sorted.get(i) - sorted.get(i - 1) > gap) {
                    gap = sorted.get(i) - sorted.get(i - 1);
                    comboThreshold = (sorted.get(i) + sorted.get(i - 1)) / 2;
                    photo = candidate;
                    confidences = found;
                }
            }
        }
        assertThat(gap)
                .as("a held-out photo with two pills of different confidence")
                .isGreaterThan(0.02);
        Path calibrated = calibratedCopy(twoStage, "not-sure-combo", comboThreshold);
        byte[] bytes = Files.readAllBytes(photo.image());
        try (InferenceServer own =
                InferenceServer.start(TestServers.settings(calibrated).build())) {
            TestClient c = new TestClient(own.port(), TestServers.KEY);

            JsonNode answer = c.postImage("/v1/predict?mode=combo", "image", bytes).json();
            JsonNode original =
                    c.postImage("/predict?mode=combo&conf_threshold=0", "image", bytes).json();

            assertThat(answer.path("answerThreshold").asDouble())
                    .isCloseTo(comboThreshold, within(1e-12));
            JsonNode pills = answer.path("pills");
            JsonNode detections = original.path("detections");
            assertThat(pills).hasSize(confidences.size());
            assertThat(detections).hasSize(confidences.size());
            List<String> decisions = new ArrayList<>();
            for (int i = 0; i < confidences.size(); i++) {
                String expected = confidences.get(i) >= comboThreshold ? "identified" : "not_sure";
                decisions.add(expected);
                JsonNode pill = pills.get(i);
                assertThat(pill.path("decision").asText()).isEqualTo(expected);
                assertThat(pill.path("predictions").get(0).path("probability").asDouble())
                        .isCloseTo(confidences.get(i), within(1e-5));
                assertThat(detections.get(i).path("decision").asText()).isEqualTo(expected);
                assertThat(detections.get(i).path("class_confidence").asDouble())
                        .isCloseTo(confidences.get(i), within(1e-5));
            }
            assertThat(decisions).contains("identified", "not_sure");
        }
    }

    /**
     * A copy of the run whose manifest carries temperature {@link #TEMPERATURE} and a threshold.
     */
    private static Path calibratedCopy(TrainedRun source, String runId, double answerThreshold) {
        Path copy = source.copyAs(runId);
        Manifests.edit(
                copy,
                m ->
                        m.putObject("calibration")
                                .put("temperature", TEMPERATURE)
                                .put("answerPrecision", 0.99)
                                .put("threshold", answerThreshold));
        return copy;
    }

    /** The exported model's logits for a photo, in this process, with no temperature. */
    private static float[] rawLogits(TrainedRun.Sample sample) {
        float[] input =
                Predictor.input(
                        sample.bytes(),
                        run.manifest().preprocessing(),
                        ImageDecoder.DEFAULT_MAX_PIXELS);
        return rawClassifier.logits(input, 1);
    }

    /**
     * The top-1 probability of each pill the shared pipeline finds on the photo, in its order, the
     * classifier's raw logits divided by {@link #TEMPERATURE} here.
     */
    private static List<Double> calibratedTopConfidences(TrainedRun source, LabelledImage photo)
            throws Exception {
        ArtifactManifest manifest = source.manifest();
        ModelFile classifierFile = manifest.model(ModelFile.CLASSIFIER).orElseThrow();
        ModelFile detectorFile = manifest.model(ModelFile.DETECTOR).orElseThrow();
        try (OnnxClassifier classifier =
                        OnnxClassifier.open(
                                source.runDir().resolve(classifierFile.file()),
                                classifierFile,
                                manifest.preprocessing().imageSize(),
                                manifest.classes().size(),
                                1.0,
                                1);
                OnnxDetector detector =
                        OnnxDetector.open(
                                source.runDir().resolve(detectorFile.file()), detectorFile, 1)) {
            ComboPipeline pipeline =
                    new ComboPipeline(
                            detector.imageSize(),
                            manifest.preprocessing(),
                            ComboPipeline.SERVING,
                            manifest.classes().size(),
                            1);
            ComboPipeline.Classifier overTemperature =
                    (images, batch) -> {
                        float[] logits = classifier.logits(images, batch);
                        for (int i = 0; i < logits.length; i++) {
                            logits[i] /= (float) TEMPERATURE;
                        }
                        return logits;
                    };
            RgbImage image = RgbImage.of(ImageIO.read(photo.image().toFile()));
            return pipeline.predict(image, detector, overTemperature).stream()
                    .map(pill -> pill.top().get(0).probability())
                    .toList();
        }
    }

    /** softmax(logits / temperature), written out. */
    private static double[] softmax(float[] logits, double temperature) {
        double[] exp = new double[logits.length];
        double largest = Double.NEGATIVE_INFINITY;
        for (float logit : logits) {
            largest = Math.max(largest, logit);
        }
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            exp[i] = Math.exp((logits[i] - largest) / temperature);
            sum += exp[i];
        }
        for (int i = 0; i < exp.length; i++) {
            exp[i] /= sum;
        }
        return exp;
    }

    private static double max(double[] values) {
        return Arrays.stream(values).max().orElseThrow();
    }

    private static double answers(String metrics, String mode, String decision) {
        Matcher m =
                Pattern.compile(
                                "pillsnap_inference_answers_total\\{decision=\""
                                        + decision
                                        + "\",mode=\""
                                        + mode
                                        + "\"} (\\S+)")
                        .matcher(metrics);
        assertThat(m.find()).as(metrics).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
