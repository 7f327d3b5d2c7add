package io.pillsnap.operator.plan;

import static io.pillsnap.api.v1alpha1.spec.Metric.TOP1;
import static org.assertj.core.api.Assertions.assertThat;

import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.api.v1alpha1.PillsnapStageStatus;
import io.pillsnap.operator.observe.AttemptState;
import io.pillsnap.operator.observe.FailureKind;
import io.pillsnap.operator.observe.ObservedRun;
import io.pillsnap.operator.observe.ObservedRun.OwnedJob;
import io.pillsnap.operator.status.StageStatusAggregator;
import io.pillsnap.operator.testing.Snapshots;
import io.pillsnap.operator.testing.TestResults;
import io.pillsnap.operator.testing.TestStages;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainerJobsPlannerTest {

    private static final PlanSettings SETTINGS =
            new PlanSettings(
                    Duration.ofSeconds(60),
                    Duration.ofHours(1),
                    Duration.ofSeconds(5),
                    Duration.ofSeconds(30));
    private static final Instant NOW = Snapshots.NOW;

    @Test
    void unfinishedJobOfAnEarlierRunIsStale() {
        PillsnapStage stage = started();
        String run = stage.getStatus().run().id();
        List<OwnedJob> jobs =
                List.of(
                        new OwnedJob("stage2-r0-x-a1", "r0-xxxxxxxx", 1, false, null, null),
                        new OwnedJob("stage2-" + run + "-a1", run, 1, false, null, null));

        var cleanup = plan(stage, Snapshots.attempts(Snapshots.running("j", 1)), jobs);

        assertThat(cleanup.deletions())
                .containsExactly(new TrainerJobsPlanner.Deletion("stage2-r0-x-a1", true));
    }

    @Test
    void recordedFailedAttemptIsKeptForItsRetentionThenDeleted() {
        PillsnapStage stage = started();
        String run = stage.getStatus().run().id();
        ObservedRun observed =
                Snapshots.attempts(
                        Snapshots.failed("stage2-" + run + "-a1", 1, FailureKind.ERROR, 1));
        OwnedJob failed =
                new OwnedJob("stage2-" + run + "-a1", run, 1, false, null, NOW.minusSeconds(600));

        var kept = plan(stage, observed, List.of(failed));

        assertThat(kept.deletions()).isEmpty();
        assertThat(kept.nextAfter()).isEqualTo(Duration.ofMinutes(50));

        OwnedJob old = new OwnedJob(failed.name(), run, 1, false, null, NOW.minusSeconds(3601));
        assertThat(plan(stage, observed, List.of(old)).deletions())
                .containsExactly(new TrainerJobsPlanner.Deletion(failed.name(), false));
    }

    @Test
    void finishedJobWhoseResultIsNotRecordedStays() {
        PillsnapStage stage = started();
        String run = stage.getStatus().run().id();
        ObservedRun observed =
                Snapshots.attempts(
                        Snapshots.unreported(
                                "stage2-" + run + "-a1", 1, NOW.minusSeconds(5), false));
        OwnedJob complete =
                new OwnedJob("stage2-" + run + "-a1", run, 1, false, null, NOW.minusSeconds(7200));

        var cleanup = plan(stage, observed, List.of(complete));

        assertThat(cleanup.deletions()).isEmpty();
        assertThat(cleanup.nextAfter()).isNull();
    }

    @Test
    void resultReaderGoesAsSoonAsTheResultIsRecorded() {
        PillsnapStage stage = started();
        String run = stage.getStatus().run().id();
        ObservedRun observed =
                Snapshots.attempts(
                        Snapshots.succeeded(
                                "stage2-" + run + "-a1",
                                1,
                                TestResults.succeeded(run, Map.of(TOP1, 0.9))));
        OwnedJob reader = new OwnedJob("stage2-" + run + "-result-1", run, null, true, 1, null);

        assertThat(plan(stage, observed, List.of(reader)).deletions())
                .containsExactly(new TrainerJobsPlanner.Deletion(reader.name(), false));
    }

    @Test
    void attemptGivenUpOnBecauseItsPodNeverStartedGoes() {
        PillsnapStage stage = started();
        String run = stage.getStatus().run().id();
        String first = "stage2-" + run + "-a1";
        ObservedRun observed =
                Snapshots.attempts(Snapshots.pending(first, 1, NOW.minusSeconds(1800)));
        OwnedJob pending = new OwnedJob(first, run, 1, false, null, null);

        assertThat(plan(stage, observed, List.of(pending)).deletions())
                .containsExactly(new TrainerJobsPlanner.Deletion(first, false));
    }

    @Test
    void failedResultReaderGoesOnceTheNextReadIsPlanned() {
        PillsnapStage stage = started();
        String run = stage.getStatus().run().id();
        stage.setStatus(
                stage.getStatus().toBuilder()
                        .run(stage.getStatus().run().toBuilder().resultReads(1).build())
                        .build());
        ObservedRun observed =
                Snapshots.withReader(
                        Snapshots.attempts(
                                Snapshots.unreported("stage2-" + run + "-a1", 1, NOW, true)),
                        Snapshots.reader(1, AttemptState.FAILED, "cat: I/O error", 1));
        OwnedJob first =
                new OwnedJob(
                        "stage2-" + run + "-result-1", run, null, true, 1, NOW.minusSeconds(60));

        assertThat(plan(stage, observed, List.of(first)).deletions())
                .containsExactly(new TrainerJobsPlanner.Deletion(first.name(), false));
    }

    private static TrainerJobsPlanner.Cleanup plan(
            PillsnapStage stage, ObservedRun run, List<OwnedJob> jobs) {
        ObservedRun withJobs =
                new ObservedRun(run.attempts(), run.disruptedPods(), run.resultReader(), jobs);
        var snapshot = Snapshots.of(stage, withJobs);
        return TrainerJobsPlanner.plan(snapshot, PhasePlanner.plan(snapshot, SETTINGS), SETTINGS);
    }

    private static PillsnapStage started() {
        PillsnapStage stage = TestStages.stage("stage2", 2).buildStored();
        StagePlan plan = PhasePlanner.plan(Snapshots.of(stage, ObservedRun.none()), SETTINGS);
        stage.setStatus(StageStatusAggregator.aggregate(PillsnapStageStatus.empty(), plan, 1, NOW));
        return stage;
    }
}
