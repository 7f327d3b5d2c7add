package io.pillsnap.operator.plan;

import io.pillsnap.api.v1alpha1.PillsnapStageStatus;
import io.pillsnap.operator.event.StageEvent;
import java.time.Duration;
import java.util.List;

/**
 * Everything one reconcile pass decided, from one observation: the status to write, what the
 * trainer and serving need, which Jobs go, the Events, and when to look again. The reconciler acts
 * on it in one place.
 *
 * @param recheckAfter look again after this long even if nothing changes; null: no need
 */
public record ReconcilePlan(
        PillsnapStageStatus status,
        StagePlan training,
        ServingPlan serving,
        List<TrainerJobsPlanner.Deletion> jobDeletions,
        List<StageEvent> events,
        Duration recheckAfter) {}
