package io.pillsnap.api.trainer;

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
                        "ef".repeat(32), "01".repeat(32), 250, 20000, 5000, 3),
                "trained 30 epochs");
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
