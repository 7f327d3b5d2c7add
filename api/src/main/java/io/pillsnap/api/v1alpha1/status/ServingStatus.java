package io.pillsnap.api.v1alpha1.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Serving of the stage's promoted model. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ServingStatus(
        @JsonPropertyDescription("Disabled, RollingOut, Serving, Superseded or RolloutFailed.")
                String state,
        @JsonPropertyDescription("Deployment of the inference server for this model.")
                String deployment,
        @JsonPropertyDescription("Service of the track.") String service,
        @JsonPropertyDescription("Ready inference pods.") Integer readyReplicas,
        @JsonPropertyDescription("Model version (stage/run) the Service sends traffic to.")
                String modelVersion,
        @JsonPropertyDescription("Model version served before; the rollback target.")
                String previousModelVersion) {}
