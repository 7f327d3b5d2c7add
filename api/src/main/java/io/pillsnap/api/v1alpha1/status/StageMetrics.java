package io.pillsnap.api.v1alpha1.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.pillsnap.api.v1alpha1.spec.EvaluationSet;
import io.pillsnap.api.v1alpha1.spec.Metric;
import io.soabase.recordbuilder.core.RecordBuilder;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * Held-out metrics of the run's best checkpoint on one set of images, as the trainer reported them;
 * latencyP95Ms and throughput are measured on the run and ride along with either set. A metric the
 * run did not produce is absent.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@RecordBuilder
public record StageMetrics(
        @JsonPropertyDescription(
                        "Images the quality metrics were measured on: test (the dataset's val/"
                                + " folder, evaluated once at the end of the run) or validation"
                                + " (the split of the training data that chose the checkpoint)."
                                + " Absent: validation.")
                EvaluationSet set,
        @JsonPropertyDescription("Top-1 accuracy.") Double top1,
        @JsonPropertyDescription("Top-5 accuracy.") Double top5,
        @JsonPropertyDescription("Macro-averaged F1 over classes.") Double macroF1,
        @JsonProperty("mAP50") @JsonPropertyDescription("Detection mAP at IoU 0.5.") Double mAP50,
        @JsonProperty("mAP50-95")
                @JsonPropertyDescription("Detection mAP averaged over IoU 0.5 to 0.95.")
                Double mAP50to95,
        @JsonPropertyDescription(
                        "Two-stage pipeline on combination photos: share of true pills detected"
                                + " (IoU >= 0.5) and named correctly at top-1.")
                Double pipelineTop1,
        @JsonPropertyDescription(
                        "Expected calibration error of the calibrated classifier (15 equal-width"
                                + " bins of top-1 confidence), a fraction; lower is better.")
                Double ece,
        @JsonPropertyDescription(
                        "Share of the photos the classifier answers (names a drug) at"
                                + " spec.serving.answerPrecision; the others are answered not"
                                + " sure.")
                Double coverage,
        @JsonPropertyDescription("Precision of the answered photos (top-1 correct among them).")
                Double answeredPrecision,
        @JsonPropertyDescription(
                        "Share of the photos of drugs outside the stage's classes that are"
                                + " answered not sure.")
                Double unknownRejection,
        @JsonPropertyDescription(
                        "Lowest recall of any class: the drug the classifier recognises worst.")
                Double worstClassRecall,
        @JsonPropertyDescription("95th percentile classification latency per image, ms.")
                Double latencyP95Ms,
        @JsonPropertyDescription("Evaluation throughput, images per second.") Double throughput) {

    public static StageMetricsBuilder builder() {
        return StageMetricsBuilder.builder();
    }

    public static StageMetrics of(EvaluationSet set, Map<Metric, Double> values) {
        return builder()
                .set(set)
                .top1(values.get(Metric.TOP1))
                .top5(values.get(Metric.TOP5))
                .macroF1(values.get(Metric.MACRO_F1))
                .mAP50(values.get(Metric.MAP50))
                .mAP50to95(values.get(Metric.MAP50_95))
                .pipelineTop1(values.get(Metric.PIPELINE_TOP1))
                .ece(values.get(Metric.ECE))
                .coverage(values.get(Metric.COVERAGE))
                .answeredPrecision(values.get(Metric.ANSWERED_PRECISION))
                .unknownRejection(values.get(Metric.UNKNOWN_REJECTION))
                .worstClassRecall(values.get(Metric.WORST_CLASS_RECALL))
                .latencyP95Ms(values.get(Metric.LATENCY_P95_MS))
                .throughput(values.get(Metric.THROUGHPUT))
                .build();
    }

    public Optional<Double> get(Metric metric) {
        return Optional.ofNullable(
                switch (metric) {
                    case TOP1 -> top1;
                    case TOP5 -> top5;
                    case MACRO_F1 -> macroF1;
                    case MAP50 -> mAP50;
                    case MAP50_95 -> mAP50to95;
                    case PIPELINE_TOP1 -> pipelineTop1;
                    case ECE -> ece;
                    case COVERAGE -> coverage;
                    case ANSWERED_PRECISION -> answeredPrecision;
                    case UNKNOWN_REJECTION -> unknownRejection;
                    case WORST_CLASS_RECALL -> worstClassRecall;
                    case LATENCY_P95_MS -> latencyP95Ms;
                    case THROUGHPUT -> throughput;
                });
    }

    public Map<Metric, Double> asMap() {
        Map<Metric, Double> map = new EnumMap<>(Metric.class);
        for (Metric metric : Metric.values()) {
            get(metric).ifPresent(value -> map.put(metric, value));
        }
        return map;
    }

    /** The set; validation when a status written before test sets existed names none. */
    public EvaluationSet evaluatedOn() {
        return set == null ? EvaluationSet.VALIDATION : set;
    }

    /** The quality metrics alone, without the run-level latencyP95Ms and throughput. */
    public StageMetrics qualityOnly() {
        return withRunLevelOf(null);
    }

    /** These quality metrics with the run-level latencyP95Ms and throughput of {@code run}. */
    public StageMetrics withRunLevelOf(StageMetrics run) {
        Map<Metric, Double> values = asMap();
        values.keySet().removeIf(Metric::isRunLevel);
        if (run != null) {
            run.asMap()
                    .forEach(
                            (metric, value) -> {
                                if (metric.isRunLevel()) {
                                    values.put(metric, value);
                                }
                            });
        }
        return of(set, values);
    }
}
