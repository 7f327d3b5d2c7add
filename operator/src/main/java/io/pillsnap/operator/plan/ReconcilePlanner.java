package io.pillsnap.operator.plan;

import io.pillsnap.api.v1alpha1.PillsnapStageStatus;
import io.pillsnap.operator.event.EventReason;
import io.pillsnap.operator.event.StageEvent;
import io.pillsnap.operator.observe.StageSnapshot;
import io.pillsnap.operator.status.StageStatusAggregator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Plans a whole pass: training (the phase state machine), then serving of what the planned status
 * promotes, then the trainer Jobs that go, then the one status patch. Pure.
 */
public final class ReconcilePlanner {

    private ReconcilePlanner() {}

    public static ReconcilePlan plan(StageSnapshot s, PlanSettings settings) {
        PillsnapStageStatus previous = s.status();
        StagePlan training = PhasePlanner.plan(s, settings);
        PillsnapStageStatus status =
                StageStatusAggregator.aggregate(previous, training, s.generation(), s.now());
        ServingPlan serving =
                ServingPlanner.plan(s.stage(), status, s.serving(), s.now(), settings);
        status = StageStatusAggregator.withServing(status, serving, s.generation(), s.now());
        status =
                StageStatusAggregator.withReady(
                        status, s.stage().getSpec(), s.generation(), s.now());
        TrainerJobsPlanner.Cleanup cleanup = TrainerJobsPlanner.plan(s, training, settings);
        List<TrainerJobsPlanner.Deletion> deletions = cleanup.deletions();
        List<StageEvent> events = new ArrayList<>(training.events());
        events.addAll(serving.events());
        deletions.stream()
                .filter(TrainerJobsPlanner.Deletion::stale)
                .forEach(
                        d ->
                                events.add(
                                        new StageEvent(
                                                EventReason.StaleJobDeleted,
                                                "deleted trainer Job "
                                                        + d.job()
                                                        + " of an earlier run")));
        return new ReconcilePlan(
                status,
                training,
                serving,
                deletions,
                List.copyOf(events),
                earliest(
                        earliest(training.recheckAfter(), serving.recheckAfter()),
                        cleanup.nextAfter()));
    }

    /** The sooner of two delays, either of which may be null (no need to look again). */
    public static Duration earliest(Duration a, Duration b) {
        if (a == null) {
            return b;
        }
        return b == null || a.compareTo(b) <= 0 ? a : b;
    }
}
