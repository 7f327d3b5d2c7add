package io.pillsnap.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Objects;

/** One condition the evaluated run must meet, e.g. top1 >= 0.60. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
        value = "self.metric in ['latencyP95Ms', 'throughput'] || self.threshold <= 1.0",
        message =
                "the threshold of a quality metric (top1, top5, macroF1, mAP50, mAP50-95) is a"
                        + " fraction within [0, 1], e.g. 0.6 for 60%",
        fieldPath = ".threshold")
public record SuccessCriterion(
        @Required
                @JsonPropertyDescription(
                        "top1, top5, macroF1 (classification), mAP50, mAP50-95 (detection),"
                                + " latencyP95Ms (milliseconds per image) or throughput"
                                + " (images per second).")
                Metric metric,
        @Default("\">=\"") @JsonPropertyDescription("Comparison: >=, >, <= or <. Default: >=.")
                ComparisonOperator op,
        @Required
                @Min(0.0)
                @JsonPropertyDescription(
                        "Value to compare with; quality metrics are fractions in [0, 1].")
                Double threshold) {

    public SuccessCriterion {
        op = Objects.requireNonNullElse(op, ComparisonOperator.AT_LEAST);
    }

    public static SuccessCriterion atLeast(Metric metric, double threshold) {
        return new SuccessCriterion(metric, ComparisonOperator.AT_LEAST, threshold);
    }

    @Override
    public String toString() {
        return metric.key() + " " + op.symbol() + " " + threshold;
    }
}
