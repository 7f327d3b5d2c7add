package io.pillsnap.api.v1alpha1.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.pillsnap.api.v1alpha1.spec.ComparisonOperator;
import io.pillsnap.api.v1alpha1.spec.EvaluationSet;
import io.pillsnap.api.v1alpha1.spec.Metric;

/** One criterion as evaluated: what was required, what was measured, whether it held. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CriterionResult(
        @JsonPropertyDescription("Metric of the criterion.") Metric metric,
        @JsonPropertyDescription("Comparison of the criterion.") ComparisonOperator op,
        @JsonPropertyDescription("Required value.") Double threshold,
        @JsonPropertyDescription("Measured value; absent when the trainer did not report it.")
                Double actual,
        @JsonPropertyDescription("Whether the criterion holds; absent when actual is absent.")
                Boolean met,
        @JsonPropertyDescription(
                        "Metrics the value was read from: test or validation; absent for"
                                + " latencyP95Ms and throughput, which are measured on the run.")
                EvaluationSet set) {}
