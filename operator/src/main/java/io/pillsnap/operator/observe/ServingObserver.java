package io.pillsnap.operator.observe;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.pillsnap.api.ApiConstants;
import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.api.v1alpha1.PillsnapStageStatus;
import io.pillsnap.api.v1alpha1.status.ConditionType;
import io.pillsnap.api.v1alpha1.status.ServingStatus;
import io.pillsnap.api.v1alpha1.status.StagePhase;
import io.pillsnap.operator.desired.InferenceServiceFactory;
import io.pillsnap.operator.desired.ServingNames;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/** Reads what serves a stage's track from the informer caches. Read-only. */
public final class ServingObserver {

    private ServingObserver() {}

    /**
     * The model version of a stage's promotion: its current run when Promoted, otherwise the
     * version it promoted before (a rerun keeps serving it until the new run is promoted).
     */
    public static String promotedVersion(PillsnapStage stage, PillsnapStageStatus planned) {
        if (planned.phase() == StagePhase.Promoted && planned.run() != null) {
            return stage.getMetadata().getName() + "/" + planned.run().id();
        }
        ServingStatus serving = planned.serving();
        return serving == null ? null : serving.modelVersion();
    }

    /**
     * @param podsOf the inference pods of a Deployment, read only while it is not Ready (to say
     *     why)
     */
    public static ObservedServing observe(
            PillsnapStage stage,
            PillsnapStageStatus planned,
            Instant now,
            Collection<Deployment> deployments,
            Optional<Service> trackService,
            Collection<PillsnapStage> namespaceStages,
            Function<Deployment, List<Pod>> podsOf) {
        String version = promotedVersion(stage, planned);
        if (version == null) {
            return ObservedServing.none();
        }
        String name = ServingNames.deploymentName(version);
        ObservedServing.Deployment own =
                deployments.stream()
                        .filter(d -> name.equals(d.getMetadata().getName()))
                        .findFirst()
                        .map(d -> deployment(d, podsOf))
                        .orElse(null);
        List<String> others =
                deployments.stream()
                        .map(d -> d.getMetadata().getName())
                        .filter(n -> !n.equals(name))
                        .toList();
        String track = stage.getSpec().serving().track();
        List<ObservedServing.TrackPeer> peers = new ArrayList<>();
        for (PillsnapStage peer : namespaceStages) {
            if (peer.getMetadata().getName().equals(stage.getMetadata().getName())
                    || !track.equals(peer.getSpec().serving().track())
                    || peer.getStatus() == null) {
                continue;
            }
            peerOf(peer, peer.getStatus(), now).ifPresent(peers::add);
        }
        peerOf(stage, planned, now).ifPresent(peers::add);
        return new ObservedServing(
                own,
                trackService.map(InferenceServiceFactory::servedVersion).orElse(null),
                peers,
                others);
    }

    private static Optional<ObservedServing.TrackPeer> peerOf(
            PillsnapStage stage, PillsnapStageStatus status, Instant now) {
        String version = promotedVersion(stage, status);
        if (version == null) {
            return Optional.empty();
        }
        ServingStatus serving = status.serving();
        Instant promotedAt;
        if (serving != null
                && version.equals(serving.modelVersion())
                && serving.promotedAt() != null) {
            promotedAt = Instant.parse(serving.promotedAt());
        } else {
            promotedAt =
                    status.condition(ConditionType.Promoted)
                            .filter(
                                    c ->
                                            "True".equals(c.getStatus())
                                                    && c.getLastTransitionTime() != null)
                            .map(c -> Instant.parse(c.getLastTransitionTime()))
                            .orElse(now);
        }
        boolean failed =
                serving != null
                        && ServingStatus.ROLLOUT_FAILED.equals(serving.state())
                        && version.equals(serving.modelVersion());
        boolean eligible = stage.getSpec().serving().enabled() && !failed;
        return Optional.of(
                new ObservedServing.TrackPeer(
                        stage.getMetadata().getName(), version, promotedAt, eligible));
    }

    private static ObservedServing.Deployment deployment(
            Deployment deployment, Function<Deployment, List<Pod>> podsOf) {
        int replicas = Objects.requireNonNullElse(deployment.getSpec().getReplicas(), 0);
        int ready =
                deployment.getStatus() == null
                        ? 0
                        : Objects.requireNonNullElse(deployment.getStatus().getReadyReplicas(), 0);
        String waiting =
                ready < replicas ? whyNotReady(deployment, podsOf.apply(deployment)) : null;
        return new ObservedServing.Deployment(replicas, ready, waiting);
    }

    /**
     * Why a Deployment's pods are not Ready, in one line: a container waiting (image pull, crash
     * loop), a pod that cannot be scheduled, a failing readiness check, or the Deployment's own
     * failure condition. Null when nothing says.
     */
    static String whyNotReady(Deployment deployment, List<Pod> pods) {
        for (Pod pod : pods) {
            String name = pod.getMetadata().getName();
            if (pod.getStatus() == null) {
                continue;
            }
            for (ContainerStatus container :
                    Objects.requireNonNullElse(
                            pod.getStatus().getContainerStatuses(), List.<ContainerStatus>of())) {
                var state = container.getState();
                if (state != null && state.getWaiting() != null) {
                    return "pod "
                            + name
                            + ": "
                            + state.getWaiting().getReason()
                            + (state.getWaiting().getMessage() == null
                                    ? ""
                                    : ": " + state.getWaiting().getMessage());
                }
                if (state != null
                        && state.getRunning() != null
                        && !Boolean.TRUE.equals(container.getReady())) {
                    return "pod "
                            + name
                            + " runs but /readyz fails: the model did not load or verify"
                            + " (kubectl logs "
                            + name
                            + ")";
                }
            }
            for (PodCondition condition :
                    Objects.requireNonNullElse(
                            pod.getStatus().getConditions(), List.<PodCondition>of())) {
                if ("PodScheduled".equals(condition.getType())
                        && "False".equals(condition.getStatus())) {
                    return "pod " + name + " not scheduled: " + condition.getMessage();
                }
            }
        }
        if (deployment.getStatus() != null && deployment.getStatus().getConditions() != null) {
            for (DeploymentCondition condition : deployment.getStatus().getConditions()) {
                boolean failure =
                        "ReplicaFailure".equals(condition.getType())
                                && "True".equals(condition.getStatus());
                boolean stuck =
                        "Progressing".equals(condition.getType())
                                && "False".equals(condition.getStatus());
                if (failure || stuck) {
                    return condition.getReason() + ": " + condition.getMessage();
                }
            }
        }
        return null;
    }

    /** Trainer pods of the stage's current attempt (for progress polling). */
    public static Optional<Pod> runningTrainer(Collection<Pod> pods, PillsnapStageStatus status) {
        if (status.run() == null) {
            return Optional.empty();
        }
        String run = Integer.toString(status.run().number());
        String attempt = Integer.toString(status.run().attempt());
        return pods.stream()
                .filter(
                        p ->
                                run.equals(label(p, ApiConstants.LABEL_RUN))
                                        && attempt.equals(label(p, ApiConstants.LABEL_ATTEMPT)))
                .filter(
                        p ->
                                p.getStatus() != null
                                        && "Running".equals(p.getStatus().getPhase())
                                        && p.getStatus().getPodIP() != null)
                .findFirst();
    }

    private static String label(Pod pod, String key) {
        return pod.getMetadata().getLabels() == null
                ? null
                : pod.getMetadata().getLabels().get(key);
    }
}
