package io.pillsnap.operator.status;

import io.pillsnap.api.v1alpha1.PillsnapStageStatus;
import io.pillsnap.operator.plan.StagePlan;
import java.time.Instant;
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
}
