package io.pillsnap.operator.plan;

import static io.pillsnap.api.v1alpha1.status.ConditionType.Serving;

import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.api.v1alpha1.spec.ServingSpec;
import io.pillsnap.api.v1alpha1.status.ServingStatus;
import io.pillsnap.operator.desired.ServingNames;
import io.pillsnap.operator.event.EventReason;
import io.pillsnap.operator.event.StageEvent;
import io.pillsnap.operator.observe.ObservedServing;
import io.pillsnap.operator.observe.ObservedServing.TrackPeer;
import io.pillsnap.operator.status.Conditions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides how a stage's promoted model is served. On each track the model promoted last (whose
 * rollout has not failed) should serve: its Deployment scales up, and the track's Service moves to
 * it only once all its pods are Ready; until then the previous model keeps serving. A model that
 * does not become Ready in time is given up, and the previous one stays. Disabling serving of the
 * serving stage hands the track back to the previous model: the rollback. Pure.
 */
public final class ServingPlanner {

    private ServingPlanner() {}

    /**
     * @param promotedVersion the stage's promoted model version, or null when it has none
     */
    public static ServingPlan plan(
            PillsnapStage stage, String promotedVersion, ObservedServing observed, Instant now) {
        ServingSpec spec = stage.getSpec().serving();
        ServingStatus previous = stage.getStatus() == null ? null : stage.getStatus().serving();
        if (promotedVersion == null) {
            return ServingPlan.none();
        }
        boolean servedByMe = promotedVersion.equals(observed.servedVersion());
        Optional<TrackPeer> active =
                observed.peers().stream()
                        .filter(TrackPeer::eligible)
                        .max(
                                Comparator.comparing(TrackPeer::promotedAt)
                                        .thenComparing(TrackPeer::stage));
        String service = spec.track();
        List<StageEvent> events = new ArrayList<>();
        boolean failedBefore =
                previous != null
                        && ServingStatus.ROLLOUT_FAILED.equals(previous.state())
                        && promotedVersion.equals(previous.modelVersion());

        if (!spec.enabled() || failedBefore) {
            boolean handingOver =
                    servedByMe
                            && active.isPresent()
                            && !active.get().version().equals(promotedVersion);
            if (handingOver) {
                return status(
                                previous,
                                ServingStatus.SERVING,
                                promotedVersion,
                                observed,
                                service,
                                now,
                                "serving until "
                                        + active.get().version()
                                        + " is ready to take track "
                                        + spec.track(),
                                spec.replicas(),
                                false,
                                events)
                        .rechecking();
            }
            String state = failedBefore ? ServingStatus.ROLLOUT_FAILED : ServingStatus.DISABLED;
            String message =
                    failedBefore ? previous.message() : "serving disabled by spec.serving.enabled";
            return status(
                    previous,
                    state,
                    promotedVersion,
                    observed,
                    service,
                    now,
                    message,
                    observed.deployment() == null ? null : 0,
                    false,
                    events);
        }
        boolean desired = active.isPresent() && active.get().version().equals(promotedVersion);
        if (!desired) {
            if (servedByMe) {
                return status(
                                previous,
                                ServingStatus.SERVING,
                                promotedVersion,
                                observed,
                                service,
                                now,
                                "serving until "
                                        + active.map(TrackPeer::version).orElse("the next model")
                                        + " is ready",
                                spec.replicas(),
                                false,
                                events)
                        .rechecking();
            }
            if (previous != null && ServingStatus.SERVING.equals(previous.state())) {
                events.add(
                        new StageEvent(
                                EventReason.ServingSuperseded,
                                "track "
                                        + spec.track()
                                        + " now serves "
                                        + active.map(TrackPeer::version).orElse("another model")));
            }
            return status(
                    previous,
                    ServingStatus.SUPERSEDED,
                    promotedVersion,
                    observed,
                    service,
                    now,
                    "superseded by "
                            + active.map(TrackPeer::version).orElse("another model")
                            + " on track "
                            + spec.track(),
                    observed.deployment() == null ? null : 0,
                    false,
                    events);
        }
        if (servedByMe) {
            return status(
                    previous,
                    ServingStatus.SERVING,
                    promotedVersion,
                    observed,
                    service,
                    now,
                    readyText(observed, spec) + " serve track " + spec.track(),
                    spec.replicas(),
                    false,
                    events);
        }
        ObservedServing.Deployment deployment = observed.deployment();
        boolean ready =
                deployment != null
                        && deployment.readyReplicas() >= spec.replicas()
                        && spec.replicas() > 0;
        if (ready) {
            events.add(
                    new StageEvent(
                            EventReason.ServingSwitched,
                            "track "
                                    + spec.track()
                                    + " switched to "
                                    + promotedVersion
                                    + (observed.servedVersion() == null
                                            ? ""
                                            : " from " + observed.servedVersion())));
            return status(
                    previous,
                    ServingStatus.SERVING,
                    promotedVersion,
                    observed,
                    service,
                    now,
                    readyText(observed, spec) + " serve track " + spec.track(),
                    spec.replicas(),
                    true,
                    events);
        }
        Instant since =
                previous != null
                                && ServingStatus.ROLLING_OUT.equals(previous.state())
                                && previous.since() != null
                        ? Instant.parse(previous.since())
                        : now;
        if (Duration.between(since, now).getSeconds() > spec.readyTimeoutSeconds()) {
            String message =
                    "the inference pods of "
                            + promotedVersion
                            + " were not Ready within "
                            + spec.readyTimeoutSeconds()
                            + " s"
                            + waiting(deployment)
                            + "; "
                            + (observed.servedVersion() == null
                                    ? "nothing serves track " + spec.track()
                                    : observed.servedVersion() + " keeps serving")
                            + ". Fix the cause, then change the stage's spec.serving (e.g. replicas) to retry";
            events.add(new StageEvent(EventReason.RolloutFailed, message));
            return status(
                    previous,
                    ServingStatus.ROLLOUT_FAILED,
                    promotedVersion,
                    observed,
                    service,
                    now,
                    message,
                    0,
                    false,
                    events);
        }
        if (previous == null || !ServingStatus.ROLLING_OUT.equals(previous.state())) {
            events.add(
                    new StageEvent(
                            EventReason.RolloutStarted,
                            "rolling out " + promotedVersion + " on track " + spec.track()));
        }
        return status(
                previous,
                ServingStatus.ROLLING_OUT,
                promotedVersion,
                observed,
                service,
                now,
                "waiting for "
                        + spec.replicas()
                        + " Ready inference pods of "
                        + promotedVersion
                        + waiting(deployment)
                        + (observed.servedVersion() == null
                                ? ""
                                : "; " + observed.servedVersion() + " serves meanwhile"),
                spec.replicas(),
                false,
                events);
    }

    private static ServingPlan status(
            ServingStatus previous,
            String state,
            String version,
            ObservedServing observed,
            String service,
            Instant now,
            String message,
            Integer replicas,
            boolean pointService,
            List<StageEvent> events) {
        String promotedAt =
                observed.peers().stream()
                        .filter(p -> p.version().equals(version))
                        .map(p -> Conditions.timestamp(p.promotedAt()))
                        .findFirst()
                        .orElse(Conditions.timestamp(now));
        String since =
                previous != null && state.equals(previous.state()) && previous.since() != null
                        ? previous.since()
                        : Conditions.timestamp(now);
        // switching the Service: the model it served until now is the rollback target
        String previousVersion =
                pointService && observed.servedVersion() != null
                        ? observed.servedVersion()
                        : previous == null ? null : previous.previousModelVersion();
        ServingStatus status =
                new ServingStatus(
                        state,
                        since,
                        message,
                        observed.deployment() == null && replicas == null
                                ? null
                                : ServingNames.deploymentName(version),
                        service,
                        observed.deployment() == null ? 0 : observed.deployment().readyReplicas(),
                        version,
                        previousVersion,
                        promotedAt);
        boolean serving = ServingStatus.SERVING.equals(state);
        ConditionUpdate condition =
                serving
                        ? ConditionUpdate.isTrue(Serving, state, message)
                        : ConditionUpdate.isFalse(Serving, state, message);
        boolean deleteOthers =
                serving && (pointService || Objects.equals(version, observed.servedVersion()));
        return new ServingPlan(
                status,
                replicas,
                pointService,
                deleteOthers,
                condition,
                List.copyOf(events),
                ServingStatus.ROLLING_OUT.equals(state));
    }

    private static String readyText(ObservedServing observed, ServingSpec spec) {
        int ready = observed.deployment() == null ? 0 : observed.deployment().readyReplicas();
        return ready + "/" + spec.replicas() + " Ready pods";
    }

    private static String waiting(ObservedServing.Deployment deployment) {
        return deployment == null || deployment.waiting() == null
                ? ""
                : " (" + deployment.waiting() + ")";
    }
}
