package io.pillsnap.operator.observe;

import io.fabric8.kubernetes.api.model.OwnerReference;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What serves a stage's track: the stage's own inference Deployments with their autoscalers and
 * disruption budgets, the track's Service and the other stages that serve the same track.
 *
 * @param deployments the stage's inference Deployments by name
 * @param service the track's Service; null when there is none
 * @param peers the other stages of the namespace with a promoted model on this track
 * @param foreignServiceSeenAt when a Service of the track's name that is not the operator's was
 *     last found; null when none was
 * @param autoscalers names of the stage's HorizontalPodAutoscalers (each its Deployment's name)
 * @param disruptionBudgets names of the stage's PodDisruptionBudgets (each its Deployment's name)
 * @param autoscalerProblems why an autoscaler of the stage cannot scale, by its name: the reason
 *     and message of its AbleToScale or ScalingActive condition when false (say, no metric)
 */
public record ObservedServing(
        Map<String, Deployment> deployments,
        TrackService service,
        List<TrackPeer> peers,
        Instant foreignServiceSeenAt,
        Set<String> autoscalers,
        Set<String> disruptionBudgets,
        Map<String, String> autoscalerProblems) {

    /** Autoscalers without problems. */
    public ObservedServing(
            Map<String, Deployment> deployments,
            TrackService service,
            List<TrackPeer> peers,
            Instant foreignServiceSeenAt,
            Set<String> autoscalers,
            Set<String> disruptionBudgets) {
        this(
                deployments,
                service,
                peers,
                foreignServiceSeenAt,
                autoscalers,
                disruptionBudgets,
                Map.of());
    }

    /** Without autoscalers or disruption budgets. */
    public ObservedServing(
            Map<String, Deployment> deployments,
            TrackService service,
            List<TrackPeer> peers,
            Instant foreignServiceSeenAt) {
        this(deployments, service, peers, foreignServiceSeenAt, Set.of(), Set.of());
    }

    /** One of the stage's inference Deployments. */
    public record Deployment(
            String name, String version, int replicas, int readyReplicas, String waiting) {}

    /**
     * The track's Service and the switch it records.
     *
     * @param previousScaleDownAt until when the model served before keeps its pods
     * @param servedReplicas the pods the served model's Deployment has now, whichever stage it is
     *     of (an autoscaled one's are its HorizontalPodAutoscaler's); 0 when none is found
     */
    public record TrackService(
            String servedVersion,
            String previousVersion,
            Instant switchedAt,
            Instant previousScaleDownAt,
            String resourceVersion,
            List<OwnerReference> owners,
            int servedReplicas) {

        /** Without the served model's pods counted. */
        public TrackService(
                String servedVersion,
                String previousVersion,
                Instant switchedAt,
                Instant previousScaleDownAt,
                String resourceVersion,
                List<OwnerReference> owners) {
            this(
                    servedVersion,
                    previousVersion,
                    switchedAt,
                    previousScaleDownAt,
                    resourceVersion,
                    owners,
                    0);
        }
    }

    /**
     * A stage with a promoted model on the track.
     *
     * @param eligible it may serve: serving enabled, not being deleted, and its rollout has not
     *     failed for its current spec.serving
     * @param deleting the stage is being deleted
     */
    public record TrackPeer(
            String stage,
            String uid,
            String version,
            Instant promotedAt,
            boolean eligible,
            boolean deleting) {}

    public static ObservedServing none() {
        return new ObservedServing(Map.of(), null, List.of(), null);
    }
}
