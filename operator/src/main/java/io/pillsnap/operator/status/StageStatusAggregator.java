package io.pillsnap.operator.status;

import io.pillsnap.api.v1alpha1.PillsnapStageSpec;
import io.pillsnap.api.v1alpha1.PillsnapStageStatus;
import io.pillsnap.api.v1alpha1.status.ConditionType;
import io.pillsnap.api.v1alpha1.status.ServingStatus;
import io.pillsnap.api.v1alpha1.status.StagePhase;
import io.pillsnap.operator.plan.ConditionUpdate;
import io.pillsnap.operator.plan.ServingPlan;
import io.pillsnap.operator.plan.StagePlan;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** Assembles the one status patch of a reconcile pass from the previous status and the plans. */
public final class StageStatusAggregator {

    private StageStatusAggregator() {}

    /** The status with the phase planner's part. */
    public static PillsnapStageStatus aggregate(
            PillsnapStageStatus previous, StagePlan plan, long generation, Instant now) {
        String phaseSince =
                Objects.equals(previous.phase(), plan.phase()) && previous.phaseSince() != null
                        ? previous.phaseSince()
                        : Conditions.timestamp(now);
        return previous.toBuilder()
                .phase(plan.phase())
                .phaseSince(phaseSince)
                .message(plan.message())
                .observedGeneration(generation)
                .conditions(
                        Conditions.merge(previous.conditions(), plan.conditions(), generation, now))
                .run(plan.run())
                .progress(plan.progress())
                .metrics(plan.metrics())
                .validationMetrics(plan.validationMetrics())
                .gate(plan.gate())
                .artifacts(plan.artifacts())
                .lineage(plan.lineage())
                .build();
    }

    /**
     * The status with the generation it reflects: the stage's, once it was fully acted on, else the
     * one before.
     */
    public static PillsnapStageStatus withObservedGeneration(
            PillsnapStageStatus status, Long observedGeneration) {
        return status.toBuilder().observedGeneration(observedGeneration).build();
    }

    /** The status with the serving plan's part (status.serving and the Serving condition). */
    public static PillsnapStageStatus withServing(
            PillsnapStageStatus status, ServingPlan serving, long generation, Instant now) {
        if (serving.status() == null) {
            return status;
        }
        return status.toBuilder()
                .conditions(
                        Conditions.merge(
                                status.conditions(), List.of(serving.condition()), generation, now))
                .serving(serving.status())
                .build();
    }

    /**
     * The status with its Ready summary: True once the stage holds what its spec asks for (its
     * model promoted, and served when serving is enabled).
     */
    public static PillsnapStageStatus withReady(
            PillsnapStageStatus status, PillsnapStageSpec spec, long generation, Instant now) {
        return status.toBuilder()
                .conditions(
                        Conditions.merge(
                                status.conditions(), List.of(ready(status, spec)), generation, now))
                .build();
    }

    static ConditionUpdate ready(PillsnapStageStatus status, PillsnapStageSpec spec) {
        StagePhase phase = status.phase();
        String message = Objects.requireNonNullElse(status.message(), "");
        if (phase != StagePhase.Promoted) {
            String reason = phase == null ? "Pending" : phase.name();
            return ConditionUpdate.isFalse(ConditionType.Ready, reason, message);
        }
        ServingStatus serving = status.serving();
        if (!spec.serving().enabled() || serving == null) {
            return ConditionUpdate.isTrue(ConditionType.Ready, "Promoted", message);
        }
        return switch (serving.state()) {
            case ServingStatus.SERVING, ServingStatus.SUPERSEDED, ServingStatus.DISABLED ->
                    ConditionUpdate.isTrue(ConditionType.Ready, serving.state(), serving.message());
            default ->
                    ConditionUpdate.isFalse(
                            ConditionType.Ready, serving.state(), serving.message());
        };
    }
}
