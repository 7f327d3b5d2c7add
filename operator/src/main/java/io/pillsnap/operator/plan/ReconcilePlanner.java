package io.pillsnap.operator.plan;

import io.pillsnap.api.v1alpha1.PillsnapStageStatus;
import io.pillsnap.operator.desired.ServingNames;
import io.pillsnap.operator.event.EventReason;
import io.pillsnap.operator.event.StageEvent;
import io.pillsnap.operator.observe.StageSnapshot;
import io.pillsnap.operator.status.StageStatusAggregator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

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
        boolean actedOn = actedOn(s, training, serving, deletions);
        status =
                StageStatusAggregator.withObservedGeneration(
                        status,
                        actedOn ? Long.valueOf(s.generation()) : previous.observedGeneration());
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
                        cleanup.nextAfter()),
                actedOn);
    }

    /**
     * Whether the cluster already holds what this pass plans, so that the generation it was planned
     * for has been acted on: the attempt's Job and the result reader exist, the models run at their
     * planned replicas with their autoscalers and disruption budgets, nothing is to be switched and
     * no Job of an earlier run is left.
     */
    static boolean actedOn(
            StageSnapshot s,
            StagePlan training,
            ServingPlan serving,
            List<TrainerJobsPlanner.Deletion> deletions) {
        // the attempts observed are those of the run the status recorded before this pass
        boolean sameRun =
                training.run() != null
                        && s.status().run() != null
                        && Objects.equals(training.run().id(), s.status().run().id());
        if (training.needsTrainer()
                && (!sameRun || s.run().attempt(training.run().attempt()).isEmpty())) {
            return false;
        }
        if (training.readResult()
                && (!sameRun
                        || s.run().resultReader() == null
                        || s.run().resultReader().read() != training.run().reads())) {
            return false;
        }
        if (serving.serviceSwitch() != null
                || !serving.deleteDeployments().isEmpty()
                || !serving.deleteAutoscalers().isEmpty()
                || !serving.deleteDisruptionBudgets().isEmpty()) {
            return false;
        }
        if (!names(serving.autoscaled()).equals(s.serving().autoscalers())
                || !names(serving.disruptionBudgets()).equals(s.serving().disruptionBudgets())) {
            return false;
        }
        for (var replicas : serving.replicas().entrySet()) {
            var deployment =
                    s.serving().deployments().get(ServingNames.deploymentName(replicas.getKey()));
            if (deployment == null || deployment.replicas() != replicas.getValue()) {
                return false;
            }
        }
        return deletions.stream().noneMatch(TrainerJobsPlanner.Deletion::stale);
    }

    /** The names of the objects of model versions: their Deployments' names. */
    private static Set<String> names(Set<String> versions) {
        return versions.stream().map(ServingNames::deploymentName).collect(Collectors.toSet());
    }

    /** The sooner of two delays, either of which may be null (no need to look again). */
    public static Duration earliest(Duration a, Duration b) {
        if (a == null) {
            return b;
        }
        return b == null || a.compareTo(b) <= 0 ? a : b;
    }
}
