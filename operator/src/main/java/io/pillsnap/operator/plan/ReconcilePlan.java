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
 * @param actedOn the cluster already held what the pass planned: nothing was left to do for the
 *     stage's generation, so the status records it as observed; otherwise the next pass records the
 *     outcome of this one's actions
 */
public record ReconcilePlan(
        PillsnapStageStatus status,
        StagePlan training,
        ServingPlan serving,
        List<TrainerJobsPlanner.Deletion> jobDeletions,
        List<StageEvent> events,
        Duration recheckAfter,
        boolean actedOn) {}
