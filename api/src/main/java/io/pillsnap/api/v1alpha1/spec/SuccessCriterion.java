package io.pillsnap.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * One condition the evaluated run must meet, e.g. top1 >= 0.60 or ece <= 0.05. The field naming the
 * evaluation set is {@code set}, not {@code on}: YAML 1.1 parsers (kubectl's and Helm's) read an
 * unquoted {@code on:} key as {@code true}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
        value = "self.metric in ['latencyP95Ms', 'throughput'] || self.threshold <= 1.0",
        message =
                "the threshold of a quality metric (top1, top5, macroF1, mAP50, mAP50-95,"
                        + " pipelineTop1, ece, coverage, answeredPrecision, unknownRejection,"
                        + " worstClassRecall) is a fraction within [0, 1], e.g. 0.6 for 60%",
        fieldPath = ".threshold")
@ValidationRule(
        value = "!has(self.op) || self.metric != 'ece' || self.op in ['<=', '<']",
        message =
                "ece is an error, lower is better: compare it with <= (the default when op is"
                        + " left out) or <, e.g. {metric: ece, op: \"<=\", threshold: 0.05}",
        fieldPath = ".op")
@ValidationRule(
        value = "!has(self.set) || !(self.metric in ['latencyP95Ms', 'throughput'])",
        message =
                "latencyP95Ms and throughput are measured on the run, not on a data set: remove"
                        + " 'set' from this criterion",
        fieldPath = ".set")
public record SuccessCriterion(
        @Required
                @JsonPropertyDescription(
                        "top1, top5, macroF1, ece (expected calibration error, lower is better),"
                                + " coverage (share of photos answered at"
                                + " spec.serving.answerPrecision), answeredPrecision,"
                                + " unknownRejection (share of other drugs' photos answered not"
                                + " sure), worstClassRecall (classification); mAP50, mAP50-95"
                                + " (detection); pipelineTop1 (both); latencyP95Ms (milliseconds"
                                + " per image, lower is better) or throughput (images per"
                                + " second).")
                Metric metric,
        @JsonPropertyDescription(
                        "Comparison: >=, >, <= or <. Default: <= for ece and latencyP95Ms, where"
                                + " lower is better; >= for the others.")
                ComparisonOperator op,
        @Required
                @Min(0.0)
                @JsonPropertyDescription(
                        "Value to compare with; quality metrics are fractions in [0, 1].")
                Double threshold,
        @JsonPropertyDescription(
                        "Which metrics a quality criterion reads: test (the dataset's val/ folder,"
                                + " evaluated once at the end of the run) or validation (the split"
                                + " of the training data that chose the checkpoint, so its"
                                + " figures are optimistic). Absent: test. A run without a test"
                                + " set gates Inconclusive unless the criterion says validation."
                                + " Not allowed on latencyP95Ms and throughput, which are measured"
                                + " on the run.")
                EvaluationSet set) {

    public SuccessCriterion {
        // no schema default: the API server cannot default by metric, and ">=" on an error such
        // as ece would pass exactly the models it should stop
        if (op == null && metric != null) {
            op = metric.defaultOperator();
        }
    }

    /** A criterion on the test set (the default). */
    public SuccessCriterion(Metric metric, ComparisonOperator op, Double threshold) {
        this(metric, op, threshold, null);
    }

    public static SuccessCriterion atLeast(Metric metric, double threshold) {
        return new SuccessCriterion(metric, ComparisonOperator.AT_LEAST, threshold);
    }

    public static SuccessCriterion atMost(Metric metric, double threshold) {
        return new SuccessCriterion(metric, ComparisonOperator.AT_MOST, threshold);
    }

    /** This criterion, read from {@code set} whatever the run reported. */
    public SuccessCriterion readFrom(EvaluationSet set) {
        return new SuccessCriterion(metric, op, threshold, set);
    }

    @Override
    public String toString() {
        return metric.key()
                + " "
                + op.symbol()
                + " "
                + threshold
                + (set == null ? "" : " on " + set.key());
    }
}
