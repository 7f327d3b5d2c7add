package io.pillsnap.operator.observe;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerCondition;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.api.v1alpha1.PillsnapStageStatus;
import io.pillsnap.api.v1alpha1.status.ConditionType;
import io.pillsnap.api.v1alpha1.status.ServingStatus;
import io.pillsnap.api.v1alpha1.status.StagePhase;
import io.pillsnap.operator.desired.InferenceServiceFactory;
import io.pillsnap.operator.desired.ServingNames;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Reads what serves a stage's track from the informer caches. Read-only. */
public final class ServingObserver {

    private ServingObserver() {}

    /**
     * @param deployments inference Deployments of the stage's namespace (only the stage's own
     *     count)
     * @param trackStages the stages of the stage's track
     * @param podsOf the pods of a Deployment, read only while it is not Ready (to say why)
     * @param foreignServiceSeenAt when the last switch found a Service of the track's name that is
     *     not the operator's; null when it did not
     * @param autoscalers inference HorizontalPodAutoscalers of the namespace (only the stage's own
     *     count)
     * @param budgets inference PodDisruptionBudgets of the namespace (only the stage's own count)
     * @param servedReplicas the pods of the Deployment the track's Service serves, whichever stage
     *     it is of; 0 when there is none
     */
    public static ObservedServing observe(
            PillsnapStage stage,
            Collection<Deployment> deployments,
            Optional<Service> trackService,
            Collection<PillsnapStage> trackStages,
            Function<Deployment, List<Pod>> podsOf,
            Instant foreignServiceSeenAt,
            Collection<HorizontalPodAutoscaler> autoscalers,
            Collection<PodDisruptionBudget> budgets,
            int servedReplicas,
            Instant now) {
        Map<String, ObservedServing.Deployment> own = new LinkedHashMap<>();
        for (Deployment d : deployments) {
            if (RunObserver.ownedBy(d, stage.getMetadata().getUid())) {
                own.put(d.getMetadata().getName(), deployment(d, podsOf));
            }
        }
        String track = stage.getSpec().serving().track();
        List<ObservedServing.TrackPeer> peers = new ArrayList<>();
        for (PillsnapStage other : trackStages) {
            boolean self =
                    Objects.equals(other.getMetadata().getUid(), stage.getMetadata().getUid())
                            || other.getMetadata().getName().equals(stage.getMetadata().getName());
            if (!self
                    && other.getSpec() != null
                    && track.equals(other.getSpec().serving().track())) {
                peer(other, other.getStatus(), now).ifPresent(peers::add);
            }
        }
        return new ObservedServing(
                own,
                trackService.map(s -> trackService(s, servedReplicas)).orElse(null),
                peers,
                foreignServiceSeenAt,
                ownNames(stage, autoscalers),
                ownNames(stage, budgets),
                autoscalerProblems(stage, autoscalers));
    }

    private static Map<String, String> autoscalerProblems(
            PillsnapStage stage, Collection<HorizontalPodAutoscaler> autoscalers) {
        Map<String, String> problems = new LinkedHashMap<>();
        for (HorizontalPodAutoscaler hpa : autoscalers) {
            if (RunObserver.ownedBy(hpa, stage.getMetadata().getUid())) {
                problem(hpa).ifPresent(p -> problems.put(hpa.getMetadata().getName(), p));
            }
        }
        return problems;
    }

    /**
     * Why an autoscaler cannot scale, from its status: its AbleToScale or ScalingActive condition
     * false, as "reason: message" (FailedGetPodsMetric when no custom-metrics adapter serves the
     * in-flight gauge, FailedGetResourceMetric without metrics-server or CPU requests). Empty while
     * it scales, or before the controller has looked at it.
     */
    public static Optional<String> problem(HorizontalPodAutoscaler hpa) {
        if (hpa.getStatus() == null || hpa.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        for (String type : List.of("AbleToScale", "ScalingActive")) {
            for (HorizontalPodAutoscalerCondition c : hpa.getStatus().getConditions()) {
                if (type.equals(c.getType()) && "False".equals(c.getStatus())) {
                    String reason = Objects.requireNonNullElse(c.getReason(), type + " false");
                    return Optional.of(
                            c.getMessage() == null || c.getMessage().isBlank()
                                    ? reason
                                    : reason + ": " + c.getMessage().strip());
                }
            }
        }
        return Optional.empty();
    }

    private static Set<String> ownNames(
            PillsnapStage stage, Collection<? extends HasMetadata> objects) {
        return objects.stream()
                .filter(o -> RunObserver.ownedBy(o, stage.getMetadata().getUid()))
                .map(o -> o.getMetadata().getName())
                .collect(Collectors.toUnmodifiableSet());
    }

    /**
     * The model version of a stage's promotion: its current run when Promoted, otherwise the
     * version it promoted before (a rerun keeps serving it until the new run is promoted).
     */
    public static String promotedVersion(PillsnapStage stage, PillsnapStageStatus status) {
        if (status == null) {
            return null;
        }
        if (status.phase() == StagePhase.Promoted && status.run() != null) {
            return stage.getMetadata().getName() + "/" + status.run().id();
        }
        ServingStatus serving = status.serving();
        return serving == null ? null : serving.modelVersion();
    }

    /** A stage as a peer on its track, with {@code status} as its status; empty if unpromoted. */
    public static Optional<ObservedServing.TrackPeer> peer(
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
        boolean deleting = stage.isMarkedForDeletion();
        boolean eligible =
                stage.getSpec().serving().enabled()
                        && !deleting
                        && !rolloutFailedForCurrentSpec(stage, serving, version);
        return Optional.of(
                new ObservedServing.TrackPeer(
                        stage.getMetadata().getName(),
                        stage.getMetadata().getUid(),
                        version,
                        promotedAt,
                        eligible,
                        deleting));
    }

    /**
     * Whether a stage takes part in serving its track (serving enabled, or its model still has a
     * serving state other than Disabled): only such stages wake each other when one changes.
     */
    public static boolean takesPartInServing(PillsnapStage stage) {
        if (stage.getSpec() == null) {
            return false;
        }
        ServingStatus serving = stage.getStatus() == null ? null : stage.getStatus().serving();
        return stage.getSpec().serving().enabled()
                || serving != null && !ServingStatus.DISABLED.equals(serving.state());
    }

    /** A rollout that failed stays failed until spec.serving changes (or serving is toggled). */
    public static boolean rolloutFailedForCurrentSpec(
            PillsnapStage stage, ServingStatus serving, String version) {
        return serving != null
                && ServingStatus.ROLLOUT_FAILED.equals(serving.state())
                && version.equals(serving.modelVersion())
                && ServingNames.specHash(stage.getSpec().serving()).equals(serving.specHash());
    }

    static ObservedServing.TrackService trackService(Service service, int servedReplicas) {
        return new ObservedServing.TrackService(
                InferenceServiceFactory.servedVersion(service),
                InferenceServiceFactory.annotation(
                        service, InferenceServiceFactory.ANNOTATION_PREVIOUS_VERSION),
                instant(
                        InferenceServiceFactory.annotation(
                                service, InferenceServiceFactory.ANNOTATION_SWITCHED_AT)),
                instant(
                        InferenceServiceFactory.annotation(
                                service,
                                InferenceServiceFactory.ANNOTATION_PREVIOUS_SCALE_DOWN_AT)),
                service.getMetadata().getResourceVersion(),
                Objects.requireNonNullElse(service.getMetadata().getOwnerReferences(), List.of()),
                servedReplicas);
    }

    private static Instant instant(String value) {
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            return null;
        }
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
        Map<String, String> annotations = deployment.getMetadata().getAnnotations();
        String version =
                annotations == null ? null : annotations.get(ServingNames.ANNOTATION_MODEL_VERSION);
        return new ObservedServing.Deployment(
                deployment.getMetadata().getName(), version, replicas, ready, waiting);
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
}
