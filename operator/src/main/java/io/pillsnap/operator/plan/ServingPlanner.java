package io.pillsnap.operator.plan;

import static io.pillsnap.api.v1alpha1.status.ConditionType.Serving;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.pillsnap.api.ApiConstants;
import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.api.v1alpha1.PillsnapStageStatus;
import io.pillsnap.api.v1alpha1.spec.AutoscalingSpec;
import io.pillsnap.api.v1alpha1.spec.ServingSpec;
import io.pillsnap.api.v1alpha1.status.ServingStatus;
import io.pillsnap.operator.desired.InferenceDisruptionBudgetFactory;
import io.pillsnap.operator.desired.InferenceServiceFactory;
import io.pillsnap.operator.desired.Owners;
import io.pillsnap.operator.desired.ServingNames;
import io.pillsnap.operator.event.EventReason;
import io.pillsnap.operator.event.StageEvent;
import io.pillsnap.operator.observe.ObservedServing;
import io.pillsnap.operator.observe.ObservedServing.TrackPeer;
import io.pillsnap.operator.observe.ObservedServing.TrackService;
import io.pillsnap.operator.observe.ServingObserver;
import io.pillsnap.operator.status.Conditions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Decides how a stage's promoted model is served. On each track the model promoted last (whose
 * stage serves, is not being deleted, and whose rollout has not failed for its current
 * spec.serving) should serve: its Deployment scales up, and the track's Service moves to it only
 * once all its pods are Ready; until then the previous model keeps serving. After a switch the
 * previous model keeps its pods for the scale-down delay, as endpoints and proxies still route to
 * them for a while. A model that does not become Ready in time is given up until its serving spec
 * changes. Disabling or deleting the serving stage hands the track back to the previous model: the
 * rollback. Every model whose pods run has its HorizontalPodAutoscaler (when
 * spec.serving.autoscaling is set) and its PodDisruptionBudget (when it runs at least two pods)
 * from its rollout on, so a new model scales by its own before traffic moves to it; both go when
 * its pods do. Pure.
 */
public final class ServingPlanner {

    private final PillsnapStage stage;
    private final ServingSpec spec;
    private final ServingStatus previous;
    private final ObservedServing observed;
    private final String version;
    private final Instant now;
    private final PlanSettings settings;
    private final TrackPeer self;
    private final Optional<TrackPeer> desired;
    private final TrackService service;
    private final ObservedServing.Deployment deployment;
    private final List<StageEvent> events = new ArrayList<>();

    private ServingPlanner(
            PillsnapStage stage,
            PillsnapStageStatus planned,
            ObservedServing observed,
            String version,
            Instant now,
            PlanSettings settings) {
        this.stage = stage;
        this.spec = stage.getSpec().serving();
        this.previous = planned.serving();
        this.observed = observed;
        this.version = version;
        this.now = now;
        this.settings = settings;
        this.self = ServingObserver.peer(stage, planned, now).orElseThrow();
        this.desired =
                Stream.concat(observed.peers().stream(), Stream.of(self))
                        .filter(TrackPeer::eligible)
                        .max(
                                Comparator.comparing(TrackPeer::promotedAt)
                                        .thenComparing(TrackPeer::stage));
        this.service = observed.service();
        this.deployment = observed.deployments().get(ServingNames.deploymentName(version));
    }

    /**
     * @param planned the stage's status as planned in this pass (its phase and run decide which
     *     model it has promoted)
     */
    public static ServingPlan plan(
            PillsnapStage stage,
            PillsnapStageStatus planned,
            ObservedServing observed,
            Instant now,
            PlanSettings settings) {
        String version = ServingObserver.promotedVersion(stage, planned);
        if (version == null) {
            return ServingPlan.none();
        }
        return new ServingPlanner(stage, planned, observed, version, now, settings).decide();
    }

    private ServingPlan decide() {
        boolean servedByMe = version.equals(servedVersion());
        boolean handingOver = servedByMe && desired.isPresent() && desired.get() != self;
        if (!self.eligible()) {
            return handingOver ? servingUntilHandover() : notServing();
        }
        if (desired.get() != self) {
            return servedByMe ? servingUntilHandover() : superseded();
        }
        if (servedByMe) {
            return serving(readyText() + " serve track " + spec.track(), null);
        }
        if (ready()) {
            Instant retryAt = trackTakenUntil();
            return retryAt == null ? switchToMe() : trackTaken(retryAt);
        }
        if (rolloutTimedOut()) {
            return rolloutFailed();
        }
        return rollingOut();
    }

    private ServingPlan serving(String message, InferenceServiceFactory.Switch change) {
        return plan(ServingStatus.SERVING, message, replicas(), change, null);
    }

    /** This model still serves; another is promoted (or this one disabled) and rolls out. */
    private ServingPlan servingUntilHandover() {
        String next = desired.map(TrackPeer::version).orElse("the next model");
        String why =
                self.deleting() ? "being deleted: " : !spec.enabled() ? "serving disabled: " : "";
        return plan(
                ServingStatus.SERVING,
                why + "serving until " + next + " is ready to take track " + spec.track(),
                replicas(),
                null,
                settings.rolloutCheckInterval());
    }

    /** Until when to leave a track whose Service is not the operator's alone; null: try now. */
    private Instant trackTakenUntil() {
        if (observed.foreignServiceSeenAt() == null) {
            return null;
        }
        Instant until = observed.foreignServiceSeenAt().plus(settings.trackConflictRecheck());
        return now.isBefore(until) ? until : null;
    }

    /** A Service of another owner has the track's name: say so, keep the pods, try later. */
    private ServingPlan trackTaken(Instant retryAt) {
        String message =
                "Service "
                        + spec.track()
                        + " in namespace "
                        + stage.getMetadata().getNamespace()
                        + " is not the operator's (it lacks the label "
                        + ApiConstants.LABEL_MANAGED_BY
                        + "="
                        + ApiConstants.MANAGED_BY
                        + " or a PillsnapStage owner), so the operator leaves it alone: choose"
                        + " another spec.serving.track, or delete that Service and the operator"
                        + " makes its own; "
                        + readyText()
                        + " wait; trying again at "
                        + Conditions.timestamp(retryAt);
        return plan(
                ServingStatus.TRACK_CONFLICT,
                message,
                replicas(),
                null,
                Duration.between(now, retryAt));
    }

    private ServingPlan switchToMe() {
        String from = servedVersion();
        events.add(
                new StageEvent(
                        EventReason.ServingSwitched,
                        "track "
                                + spec.track()
                                + " switched to "
                                + version
                                + (from == null ? "" : " from " + from)));
        Instant scaleDownAt = now.plusSeconds(spec.scaleDownDelaySeconds());
        var change =
                new InferenceServiceFactory.Switch(
                        stage.getMetadata().getNamespace(),
                        spec.track(),
                        version,
                        from,
                        now,
                        scaleDownAt,
                        owners());
        // recorded before the Service moves; the next pass, woken by the Service, says Serving
        String message =
                "switching track "
                        + spec.track()
                        + " to "
                        + version
                        + ": "
                        + readyText()
                        + (from == null ? "" : "; " + from + " serves until the switch");
        return plan(
                ServingStatus.ROLLING_OUT,
                message,
                replicas(),
                change,
                settings.rolloutCheckInterval());
    }

    /** Every stage that could serve the track owns its Service, so none takes it down alone. */
    private List<OwnerReference> owners() {
        return Stream.concat(observed.peers().stream(), Stream.of(self))
                .filter(peer -> !peer.deleting() && peer.uid() != null)
                .sorted(Comparator.comparing(TrackPeer::stage))
                .map(peer -> Owners.sharedBy(peer.stage(), peer.uid()))
                .toList();
    }

    private ServingPlan superseded() {
        String by = desired.map(TrackPeer::version).orElse("another model");
        if (previous != null && ServingStatus.SERVING.equals(previous.state())) {
            events.add(
                    new StageEvent(
                            EventReason.ServingSuperseded,
                            "track " + spec.track() + " now serves " + servedVersionOr(by)));
        }
        String message = "superseded by " + by + " on track " + spec.track();
        return stopped(ServingStatus.SUPERSEDED, message);
    }

    /** Serving is disabled, the stage is being deleted, or its rollout failed for this spec. */
    private ServingPlan notServing() {
        if (self.deleting()) {
            return stopped(ServingStatus.DISABLED, "the stage is being deleted");
        }
        if (!spec.enabled()) {
            return stopped(ServingStatus.DISABLED, "serving disabled by spec.serving.enabled");
        }
        return stopped(ServingStatus.ROLLOUT_FAILED, previous.message());
    }

    /**
     * Not serving. Pods that served until a recent switch keep running until the scale-down time
     * the switch recorded; then the Deployment goes to 0.
     */
    private ServingPlan stopped(String state, String message) {
        Instant keepUntil = keepPodsUntil(version);
        if (keepUntil != null) {
            return plan(
                    state,
                    message + "; its pods are scaled to 0 at " + Conditions.timestamp(keepUntil),
                    deployment == null ? null : deployment.replicas(),
                    null,
                    Duration.between(now, keepUntil));
        }
        return plan(state, message, deployment == null ? null : 0, null, null);
    }

    private ServingPlan rolloutFailed() {
        String served = servedVersion();
        String message =
                "the inference pods of "
                        + version
                        + " were not Ready within "
                        + spec.readyTimeoutSeconds()
                        + " s"
                        + waiting()
                        + "; "
                        + (served == null
                                ? "nothing serves track " + spec.track()
                                : served + " keeps serving")
                        + ". Fix the cause, then change the stage's spec.serving (e.g. replicas)"
                        + " or turn serving off and on to retry";
        events.add(new StageEvent(EventReason.RolloutFailed, message));
        return plan(ServingStatus.ROLLOUT_FAILED, message, 0, null, null);
    }

    private ServingPlan rollingOut() {
        if (previous == null || !ServingStatus.ROLLING_OUT.equals(previous.state())) {
            events.add(
                    new StageEvent(
                            EventReason.RolloutStarted,
                            "rolling out " + version + " on track " + spec.track()));
        }
        String served = servedVersion();
        String message =
                "waiting for "
                        + replicas()
                        + " Ready inference pods of "
                        + version
                        + waiting()
                        + autoscalerProblem()
                        + (served == null ? "" : "; " + served + " serves meanwhile");
        return plan(
                ServingStatus.ROLLING_OUT,
                message,
                replicas(),
                null,
                settings.rolloutCheckInterval());
    }

    private ServingPlan plan(
            String state,
            String message,
            Integer replicas,
            InferenceServiceFactory.Switch change,
            Duration recheckAfter) {
        Map<String, Integer> scale = new LinkedHashMap<>();
        if (replicas != null && (replicas > 0 || deployment != null)) {
            scale.put(version, replicas);
        }
        List<String> delete = new ArrayList<>();
        // the models whose pods run after this pass: each keeps its autoscaler and budget
        Set<String> running = new LinkedHashSet<>();
        if (replicas != null && replicas > 0) {
            running.add(version);
        }
        Duration recheck = recheckAfter;
        for (ObservedServing.Deployment other : observed.deployments().values()) {
            if (other == deployment || other.version() == null) {
                continue;
            }
            Instant keepUntil = keepPodsUntil(other.version());
            if (other.replicas() > 0
                    && (keepUntil != null || other.version().equals(servedVersion()))) {
                running.add(other.version());
            }
            if (other.version().equals(servedVersion()) && change == null) {
                continue;
            }
            if (keepUntil != null) {
                recheck = ReconcilePlanner.earliest(recheck, Duration.between(now, keepUntil));
            } else if (!other.version().equals(servedVersion())) {
                delete.add(other.name());
            }
        }
        boolean servedAfter = change != null || version.equals(servedVersion());
        ServingStatus status =
                new ServingStatus(
                        state,
                        previous != null
                                        && state.equals(previous.state())
                                        && previous.since() != null
                                ? previous.since()
                                : Conditions.timestamp(now),
                        message,
                        deployment == null && (replicas == null || replicas == 0)
                                ? null
                                : ServingNames.deploymentName(version),
                        spec.track(),
                        deployment == null ? 0 : deployment.readyReplicas(),
                        version,
                        previousVersion(change, servedAfter),
                        Conditions.timestamp(self.promotedAt()),
                        ServingNames.specHash(spec));
        ConditionUpdate condition =
                ServingStatus.SERVING.equals(state)
                        ? ConditionUpdate.isTrue(Serving, state, message)
                        : ConditionUpdate.isFalse(Serving, state, message);
        boolean takerWaits = desired.isPresent() && desired.get() != self;
        boolean holdsTrack = servedAfter && takerWaits || keepPodsUntil(version) != null;
        Set<String> autoscaled = spec.autoscaling() == null ? Set.of() : Set.copyOf(running);
        Set<String> budgets =
                InferenceDisruptionBudgetFactory.protects(spec.minimumReplicas())
                        ? Set.copyOf(running)
                        : Set.of();
        return new ServingPlan(
                status,
                condition,
                scale,
                List.copyOf(delete),
                change,
                List.copyOf(events),
                recheck,
                holdsTrack,
                autoscaled,
                budgets,
                unwanted(observed.autoscalers(), autoscaled),
                unwanted(observed.disruptionBudgets(), budgets));
    }

    /** The stage's objects (named after their Deployments) of models not in {@code wanted}. */
    private static List<String> unwanted(Set<String> existing, Set<String> wanted) {
        Set<String> names = new HashSet<>();
        wanted.forEach(v -> names.add(ServingNames.deploymentName(v)));
        return existing.stream().filter(name -> !names.contains(name)).sorted().toList();
    }

    /**
     * The rollback target: what served before this model, as the Service records it (so a status
     * lost in a crash is rebuilt from the cluster).
     */
    private String previousVersion(InferenceServiceFactory.Switch change, boolean servedAfter) {
        if (change != null) {
            return change.previousVersion();
        }
        if (servedAfter && service != null) {
            return service.previousVersion();
        }
        return previous == null ? null : previous.previousModelVersion();
    }

    /** Until when the pods of {@code modelVersion} keep running after the Service left them. */
    private Instant keepPodsUntil(String modelVersion) {
        if (service == null
                || !modelVersion.equals(service.previousVersion())
                || modelVersion.equals(service.servedVersion())
                || service.previousScaleDownAt() == null
                || !now.isBefore(service.previousScaleDownAt())) {
            return null;
        }
        return service.previousScaleDownAt();
    }

    /**
     * All its pods Ready: {@link #replicas()} of them, which an autoscaled model may start above
     * minReplicas.
     */
    private boolean ready() {
        int wanted = replicas();
        return deployment != null
                && wanted > 0
                && deployment.replicas() >= wanted
                && deployment.readyReplicas() >= wanted;
    }

    /**
     * The replicas of this model while it runs: the fixed count, or, when autoscaled, the count its
     * HorizontalPodAutoscaler set, raised to minReplicas. A new autoscaled Deployment, or one at 0
     * (a model rolled back to), starts at the size of the model that serves the track now (within
     * minReplicas..maxReplicas), so the traffic it takes at the switch finds as many pods as served
     * it a moment before: started at minReplicas, it would meet the load of a model its autoscaler
     * had grown, and answer slowly or 503 until its own autoscaler caught up.
     */
    private int replicas() {
        if (spec.autoscaling() == null) {
            return spec.replicas();
        }
        int min = spec.autoscaling().minReplicas();
        if (deployment == null || deployment.replicas() == 0) {
            int serving =
                    service == null || version.equals(servedVersion())
                            ? 0
                            : service.servedReplicas();
            return Math.max(min, Math.min(spec.autoscaling().maxReplicas(), serving));
        }
        return Math.max(min, deployment.replicas());
    }

    private boolean rolloutTimedOut() {
        Instant since =
                previous != null
                                && ServingStatus.ROLLING_OUT.equals(previous.state())
                                && version.equals(previous.modelVersion())
                                && previous.since() != null
                        ? Instant.parse(previous.since())
                        : now;
        return Duration.between(since, now).getSeconds() > spec.readyTimeoutSeconds();
    }

    private String servedVersion() {
        return service == null ? null : service.servedVersion();
    }

    private String servedVersionOr(String fallback) {
        String served = servedVersion();
        return served == null ? fallback : served;
    }

    private String readyText() {
        int ready = deployment == null ? 0 : deployment.readyReplicas();
        AutoscalingSpec autoscaling = spec.autoscaling();
        return autoscaling == null
                ? ready + "/" + spec.replicas() + " Ready pods"
                : ready
                        + " Ready pods (autoscaled from "
                        + autoscaling.minReplicas()
                        + " to "
                        + autoscaling.maxReplicas()
                        + autoscalerProblem()
                        + ")";
    }

    /** Why this model's autoscaler cannot scale, with where to look; empty while it can. */
    private String autoscalerProblem() {
        String name = ServingNames.deploymentName(version);
        String problem = observed.autoscalerProblems().get(name);
        return problem == null
                ? ""
                : "; its HorizontalPodAutoscaler cannot scale, "
                        + problem
                        + " (kubectl describe hpa "
                        + name
                        + "; the target needs metrics-server for CPU, a custom-metrics adapter"
                        + " for in-flight requests: docs/serving.md#autoscaling-and-disruption)";
    }

    private String waiting() {
        return deployment == null || deployment.waiting() == null
                ? ""
                : " (" + deployment.waiting() + ")";
    }
}
