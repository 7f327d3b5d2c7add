package io.pillsnap.api.v1alpha1.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** The gate of the current run. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GateStatus(
        @JsonPropertyDescription("Passed, Failed or Inconclusive (a metric was not reported).")
                GateResult result,
        @JsonPropertyDescription("Every criterion with its required and measured value.")
                List<CriterionResult> criteria,
        @JsonPropertyDescription("Why the gate has this result, in one line.") String summary,
        @JsonPropertyDescription("Generation of the spec whose criteria were evaluated.")
                Long observedGeneration) {}
