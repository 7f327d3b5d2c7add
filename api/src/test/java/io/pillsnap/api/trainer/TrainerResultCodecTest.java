package io.pillsnap.api.trainer;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pillsnap.api.trainer.TrainerResultCodec.Decoded;
import io.pillsnap.api.v1alpha1.spec.Metric;
import io.pillsnap.api.v1alpha1.status.ArtifactFile;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainerResultCodecTest {

    static TrainerResult typicalResult() {
        return new TrainerResult(
                TrainerResult.SCHEMA,
                TrainerResult.Outcome.Succeeded,
                "r1-0a1b2c3d",
                30,
                27,
                Map.of("top1", 0.81, "top5", 0.97, "macroF1", 0.78, "latencyP95Ms", 4.2),
                null,
                new TrainerResult.Artifacts(
                        "ns/stage2/r1-0a1b2c3d",
                        List.of(
                                new ArtifactFile(
                                        "manifest",
                                        "ns/stage2/r1-0a1b2c3d/manifest.json",
                                        "ab".repeat(32)),
                                new ArtifactFile(
                                        "classifier",
                                        "ns/stage2/r1-0a1b2c3d/classifier.onnx",
                                        "cd".repeat(32)))),
                new TrainerResult.ExportCheck(3.1e-6, 1.0, 64, true),
                new TrainerResult.DataSummary(
                        "ef".repeat(32), "01".repeat(32), 250, 20000, 5000, null, 3),
                "trained 30 epochs");
    }

    /** A detection stage's result with every metric on both sets and four model files. */
    static TrainerResult resultWithATestSet() {
        String run = "ns/stage-four-combination/r12-0a1b2c3d";
        return new TrainerResult(
                TrainerResult.SCHEMA,
                TrainerResult.Outcome.Succeeded,
                "r12-0a1b2c3d",
                120,
                117,
                Map.ofEntries(
                        entry("top1", 0.8123456789),
                        entry("top5", 0.9712345678),
                        entry("macroF1", 0.7812345678),
                        entry("mAP50", 0.9012345678),
                        entry("mAP50-95", 0.7012345678),
                        entry("ece", 0.0212345678),
                        entry("coverage", 0.8812345678),
                        entry("answeredPrecision", 0.9912345678),
                        entry("unknownRejection", 0.9412345678),
                        entry("worstClassRecall", 0.3312345678),
                        entry("latencyP95Ms", 14.123456789),
                        entry("throughput", 812.123456789)),
                Map.ofEntries(
                        entry("top1", 0.7423456789),
                        entry("top5", 0.9512345678),
                        entry("macroF1", 0.7012345678),
                        entry("mAP50", 0.8812345678),
                        entry("mAP50-95", 0.6812345678),
                        entry("ece", 0.0312345678),
                        entry("coverage", 0.8412345678),
                        entry("answeredPrecision", 0.9812345678),
                        entry("unknownRejection", 0.9112345678),
                        entry("worstClassRecall", 0.2512345678)),
                new TrainerResult.Artifacts(
                        run,
                        List.of(
                                new ArtifactFile(
                                        "manifest", run + "/manifest.json", "ab".repeat(32)),
                                new ArtifactFile(
                                        "classifier", run + "/classifier.onnx", "cd".repeat(32)),
                                new ArtifactFile(
                                        "detector", run + "/detector.onnx", "ef".repeat(32)),
                                new ArtifactFile(
                                        "report",
                                        run + "/report/per-class.json",
                                        "01".repeat(32)))),
                new TrainerResult.ExportCheck(3.123456789e-6, 0.9987654321, 256, true),
                new TrainerResult.DataSummary(
                        "ef".repeat(32), "01".repeat(32), 4523, 2_000_000, 500_000, 260_000, 1234),
                "trained 120 epochs, best epoch 117");
    }

    @Test
    void roundTripsAResultWithinTheTerminationMessageLimit() {
        String json = TrainerResultCodec.encode(typicalResult());

        assertThat(json.getBytes(StandardCharsets.UTF_8).length)
                .isLessThan(TrainerResultCodec.MAX_BYTES);
        assertThat(TrainerResultCodec.decode(json))
                .isEqualTo(new Decoded.Readable(typicalResult()));
    }

    @Test
    void resultWithValidationAndTestMetricsFitsAndRoundTrips() {
        String json = TrainerResultCodec.encode(resultWithATestSet());

        assertThat(json.getBytes(StandardCharsets.UTF_8).length)
                .isLessThan(TrainerResultCodec.MAX_BYTES - 1500);
        Decoded decoded = TrainerResultCodec.decode(json);
        assertThat(decoded).isEqualTo(new Decoded.Readable(resultWithATestSet()));
        TrainerResult result = ((Decoded.Readable) decoded).result();
        assertThat(result.knownTestMetrics())
                .containsEntry(Metric.TOP1, 0.7423456789)
                .containsEntry(Metric.MAP50_95, 0.6812345678)
                .containsEntry(Metric.ECE, 0.0312345678)
                .containsEntry(Metric.COVERAGE, 0.8412345678)
                .containsEntry(Metric.ANSWERED_PRECISION, 0.9812345678)
                .containsEntry(Metric.UNKNOWN_REJECTION, 0.9112345678)
                .containsEntry(Metric.WORST_CLASS_RECALL, 0.2512345678)
                .hasSize(10);
        assertThat(result.knownMetrics()).containsEntry(Metric.TOP1, 0.8123456789).hasSize(12);
        assertThat(result.data().testImages()).isEqualTo(260_000);
    }

    @Test
    void resultWithoutATestSetLeavesTestOutOfTheMessage() {
        String json = TrainerResultCodec.encode(typicalResult());

        assertThat(json).doesNotContain("\"test\"").doesNotContain("testImages");
        assertThat(typicalResult().knownTestMetrics()).isEmpty();
    }

    @Test
    void messageOfATrainerThatPredatesTestSetsIsReadable() {
        String older =
                "{\"schema\":1,\"outcome\":\"Succeeded\",\"runId\":\"r1\",\"epochs\":3,"
                        + "\"bestEpoch\":2,\"metrics\":{\"top1\":0.81,\"latencyP95Ms\":4.2},"
                        + "\"export\":{\"maxAbsDiff\":1e-6,\"top1Agreement\":1.0,\"images\":64,"
                        + "\"passed\":true},\"data\":{\"classes\":10,\"trainImages\":800,"
                        + "\"valImages\":200,\"skipped\":0}}";

        Decoded decoded = TrainerResultCodec.decode(older);

        assertThat(decoded).isInstanceOf(Decoded.Readable.class);
        TrainerResult result = ((Decoded.Readable) decoded).result();
        assertThat(result.test()).isNull();
        assertThat(result.knownTestMetrics()).isEmpty();
        assertThat(result.knownMetrics()).containsEntry(Metric.TOP1, 0.81);
        assertThat(result.data().testImages()).isNull();
        assertThat(result.data().valImages()).isEqualTo(200);
    }

    @Test
    void testMetricAboveOneIsUnreadable() {
        assertThat(
                        unreadableReason(
                                "{\"schema\":1,\"outcome\":\"Succeeded\",\"metrics\":{\"top1\":0.8},"
                                        + "\"test\":{\"top1\":74.0}}"))
                .isEqualTo("trainer result reports test top1 = 74.0, outside [0, 1]");
    }

    @Test
    void knownMetricsIgnoreKeysFromNewerTrainers() {
        Map<String, Double> metrics = new HashMap<>(typicalResult().metrics());
        metrics.put("someFutureMetric", 3.0);
        TrainerResult result =
                new TrainerResult(
                        1,
                        TrainerResult.Outcome.Succeeded,
                        "r1",
                        1,
                        1,
                        metrics,
                        null,
                        null,
                        null,
                        null,
                        null);

        Decoded decoded = TrainerResultCodec.decode(TrainerResultCodec.encode(result));

        assertThat(decoded).isInstanceOf(Decoded.Readable.class);
        assertThat(((Decoded.Readable) decoded).result().knownMetrics())
                .containsEntry(Metric.TOP1, 0.81)
                .doesNotContainKey(null)
                .hasSize(4);
    }

    @Test
    void refusesToEncodeMoreThanKubernetesKeeps() {
        TrainerResult huge =
                new TrainerResult(
                        1,
                        TrainerResult.Outcome.Failed,
                        "r1",
                        0,
                        0,
                        Map.of(),
                        null,
                        null,
                        null,
                        null,
                        "x".repeat(5000));

        assertThatThrownBy(() -> TrainerResultCodec.encode(huge))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("4096");
    }

    @Test
    void emptyMessageIsUnreadable() {
        assertThat(unreadableReason("")).isEqualTo("the trainer left no termination message");
        assertThat(unreadableReason(null)).isEqualTo("the trainer left no termination message");
    }

    @Test
    void garbageIsUnreadableAndQuoted() {
        assertThat(unreadableReason("Traceback (most recent call last):\n  oops"))
                .startsWith("termination message is not a trainer result")
                .contains("it starts with 'Traceback (most recent call last): oops'");
    }

    @Test
    void truncatedJsonIsUnreadable() {
        String json = TrainerResultCodec.encode(typicalResult());

        assertThat(unreadableReason(json.substring(0, json.length() / 2)))
                .startsWith("termination message is not a trainer result");
    }

    @Test
    void trailingGarbageIsUnreadable() {
        assertThat(unreadableReason(TrainerResultCodec.encode(typicalResult()) + "}}"))
                .startsWith("termination message is not a trainer result");
    }

    @Test
    void otherSchemaVersionIsUnreadableWithTheFix() {
        assertThat(unreadableReason("{\"schema\":2,\"outcome\":\"Succeeded\"}"))
                .contains("schema 2")
                .contains("use a trainer image of the operator's version");
    }

    @Test
    void calibrationMetricAboveOneIsUnreadable() {
        assertThat(
                        unreadableReason(
                                "{\"schema\":1,\"outcome\":\"Succeeded\",\"metrics\":{\"top1\":0.8},"
                                        + "\"test\":{\"ece\":3.5}}"))
                .isEqualTo("trainer result reports test ece = 3.5, outside [0, 1]");
    }

    @Test
    void qualityMetricAboveOneIsUnreadable() {
        assertThat(
                        unreadableReason(
                                "{\"schema\":1,\"outcome\":\"Succeeded\",\"metrics\":{\"top1\":81.0}}"))
                .isEqualTo("trainer result reports top1 = 81.0, outside [0, 1]");
    }

    @Test
    void nonFiniteMetricIsUnreadable() {
        assertThat(
                        unreadableReason(
                                "{\"schema\":1,\"outcome\":\"Succeeded\",\"metrics\":{\"top1\":null}}"))
                .contains("invalid value for metric top1");
    }

    @Test
    void missingOutcomeIsUnreadable() {
        assertThat(unreadableReason("{\"schema\":1}")).isEqualTo("trainer result has no outcome");
    }

    private static String unreadableReason(String message) {
        Decoded decoded = TrainerResultCodec.decode(message);
        assertThat(decoded).isInstanceOf(Decoded.Unreadable.class);
        return ((Decoded.Unreadable) decoded).reason();
    }
}
