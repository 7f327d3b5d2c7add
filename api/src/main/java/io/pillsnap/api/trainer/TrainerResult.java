package io.pillsnap.api.trainer;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.pillsnap.api.v1alpha1.spec.Metric;
import io.pillsnap.api.v1alpha1.status.ArtifactFile;
import io.soabase.recordbuilder.core.RecordBuilder;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a finished trainer reports to the operator, as the JSON termination message of its container
 * (at most {@value TrainerResultCodec#MAX_BYTES} bytes). Metrics are keyed by {@link Metric#key()};
 * unknown keys are ignored so that newer trainers stay readable.
 *
 * @param metrics the best checkpoint on the validation split (which chose it), plus the run-level
 *     latencyP95Ms and throughput
 * @param test the same checkpoint on the test set (the dataset's val/ folder, evaluated once at the
 *     end); null when the dataset has none or the trainer predates test sets
 * @param export the classifier's export check; null in a run without a classifier
 * @param detectorExport the detector's export check, its {@code top1Agreement} the share of the
 *     trained detector's boxes the exported one found again (IoU >= 0.99); null without a detector
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@RecordBuilder
public record TrainerResult(
        int schema,
        Outcome outcome,
        String runId,
        Integer epochs,
        Integer bestEpoch,
        Map<String, Double> metrics,
        Map<String, Double> test,
        Artifacts artifacts,
        ExportCheck export,
        DataSummary data,
        String message,
        ExportCheck detectorExport) {

    public static final int SCHEMA = 1;

    /** A result without a detector. */
    public TrainerResult(
            int schema,
            Outcome outcome,
            String runId,
            Integer epochs,
            Integer bestEpoch,
            Map<String, Double> metrics,
            Map<String, Double> test,
            Artifacts artifacts,
            ExportCheck export,
            DataSummary data,
            String message) {
        this(
                schema, outcome, runId, epochs, bestEpoch, metrics, test, artifacts, export, data,
                message, null);
    }

    public TrainerResult {
        // nulls are kept so that the codec can name them instead of failing to parse
        metrics =
                metrics == null
                        ? Map.of()
                        : Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        test =
                test == null || test.isEmpty()
                        ? null
                        : Collections.unmodifiableMap(new LinkedHashMap<>(test));
    }

    /** Whether training produced an evaluated model. */
    public enum Outcome {
        Succeeded,
        Failed
    }

    /** The run folder and the files of the model card. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Artifacts(String path, List<ArtifactFile> files) {}

    /** The exported ONNX model against the trained one on the same validation images. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ExportCheck(
            Double maxAbsDiff, Double top1Agreement, Integer images, Boolean passed) {}

    /**
     * Lineage of the data the model was trained on.
     *
     * @param testImages images of the test set; null when the dataset has none
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DataSummary(
            String manifestSha256,
            String classMapSha256,
            Integer classes,
            Integer trainImages,
            Integer valImages,
            Integer testImages,
            Integer skipped) {}

    /**
     * The validation (and run-level) metrics this trainer knows, by enum; unknown keys are left
     * out.
     */
    public Map<Metric, Double> knownMetrics() {
        return known(metrics);
    }

    /** The test metrics this trainer knows, by enum; empty when it reported no test set. */
    public Map<Metric, Double> knownTestMetrics() {
        return known(test == null ? Map.of() : test);
    }

    private static Map<Metric, Double> known(Map<String, Double> metrics) {
        Map<Metric, Double> known = new EnumMap<>(Metric.class);
        metrics.forEach((key, value) -> Metric.byKey(key).ifPresent(m -> known.put(m, value)));
        return known;
    }
}
