package io.pillsnap.api.v1alpha1.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Serving of the stage's promoted model. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ServingStatus(
        @JsonPropertyDescription(
                        "Disabled, RollingOut, Serving, Superseded (a newer model serves the"
                                + " track), RolloutFailed or TrackConflict (a Service that is not"
                                + " the operator's has the track's name).")
                String state,
        @JsonPropertyDescription("When the stage entered this serving state (RFC 3339).")
                String since,
        @JsonPropertyDescription("Why the serving state is what it is, in one line.")
                String message,
        @JsonPropertyDescription("Deployment of the inference server for this model.")
                String deployment,
        @JsonPropertyDescription("Service of the track.") String service,
        @JsonPropertyDescription("Ready inference pods.") Integer readyReplicas,
        @JsonPropertyDescription("Model version (stage/run) the Service sends traffic to.")
                String modelVersion,
        @JsonPropertyDescription("Model version served before; the rollback target.")
                String previousModelVersion,
        @JsonPropertyDescription(
                        "When modelVersion was promoted (RFC 3339): on a track, the model promoted"
                                + " last serves.")
                String promotedAt,
        @JsonPropertyDescription(
                        "Hash of the spec.serving this state was reached with: a failed rollout is"
                                + " tried again when spec.serving changes.")
                String specHash) {

    public static final String DISABLED = "Disabled";
    public static final String ROLLING_OUT = "RollingOut";
    public static final String SERVING = "Serving";
    public static final String SUPERSEDED = "Superseded";
    public static final String ROLLOUT_FAILED = "RolloutFailed";

    /** A Service that the operator did not make has the track's name: it is left alone. */
    public static final String TRACK_CONFLICT = "TrackConflict";
}
