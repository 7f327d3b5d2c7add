package io.pillsnap.operator.observe;

import java.time.Instant;
import java.util.List;

/**
 * What serves a stage's track: its own inference Deployment, the track's Service and the other
 * stages that serve the same track.
 *
 * @param servedVersion model version the track's Service sends traffic to; null without one
 * @param peers every stage of the namespace with a promoted model on this track, itself included
 */
public record ObservedServing(
        Deployment deployment,
        String servedVersion,
        List<TrackPeer> peers,
        List<String> otherDeployments) {

    /** The stage's Deployment for its promoted model. */
    public record Deployment(int replicas, int readyReplicas, String waiting) {}

    /** A stage with a promoted model on the track. */
    public record TrackPeer(String stage, String version, Instant promotedAt, boolean eligible) {}

    public static ObservedServing none() {
        return new ObservedServing(null, null, List.of(), List.of());
    }
}
