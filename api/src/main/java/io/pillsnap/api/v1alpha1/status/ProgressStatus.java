package io.pillsnap.api.v1alpha1.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Live progress of a training run, polled from the trainer. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProgressStatus(
        @JsonPropertyDescription("Epochs completed.") Integer epoch,
        @JsonPropertyDescription("Epochs planned.") Integer epochs,
        @JsonPropertyDescription("epoch/epochs, for kubectl get.") String display,
        @JsonPropertyDescription("Best validation top-1 so far.") Double bestTop1,
        @JsonPropertyDescription("Estimated seconds until training ends.") Long etaSeconds,
        @JsonPropertyDescription("When the trainer last reported (RFC 3339).") String updated) {}
