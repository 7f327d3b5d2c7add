package io.pillsnap.operator.status;

import io.pillsnap.api.v1alpha1.PillsnapStageStatus;
import io.pillsnap.api.v1alpha1.status.ProgressStatus;
import io.pillsnap.operator.plan.ServingPlan;
import io.pillsnap.operator.plan.StagePlan;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** Assembles the one status patch of a reconcile pass from the previous status and the plan. */
public final class StageStatusAggregator {

    private StageStatusAggregator() {}

    public static PillsnapStageStatus aggregate(
            PillsnapStageStatus previous, StagePlan plan, long generation, Instant now) {
        String phaseSince =
                Objects.equals(previous.phase(), plan.phase()) && previous.phaseSince() != null
                        ? previous.phaseSince()
                        : Conditions.timestamp(now);
        return new PillsnapStageStatus(
                plan.phase(),
                phaseSince,
                plan.message(),
                generation,
                Conditions.merge(previous.conditions(), plan.conditions(), generation, now),
                plan.run(),
                plan.progress(),
                plan.metrics(),
                plan.gate(),
                plan.artifacts(),
                plan.lineage(),
                previous.serving());
    }

    /** The status with the serving plan's part (status.serving and the Serving condition). */
    public static PillsnapStageStatus withServing(
            PillsnapStageStatus status, ServingPlan serving, long generation, Instant now) {
        if (serving.status() == null) {
            return status;
        }
        return new PillsnapStageStatus(
                status.phase(),
                status.phaseSince(),
                status.message(),
                status.observedGeneration(),
                Conditions.merge(
                        status.conditions(), List.of(serving.condition()), generation, now),
                status.run(),
                status.progress(),
                status.metrics(),
                status.gate(),
                status.artifacts(),
                status.lineage(),
                serving.status());
    }

    public static PillsnapStageStatus withProgress(
            PillsnapStageStatus status, ProgressStatus progress) {
        return new PillsnapStageStatus(
                status.phase(),
                status.phaseSince(),
                status.message(),
                status.observedGeneration(),
                status.conditions(),
                status.run(),
                progress,
                status.metrics(),
                status.gate(),
                status.artifacts(),
                status.lineage(),
                status.serving());
    }
}
