package io.pillsnap.operator.plan;

import io.pillsnap.api.v1alpha1.status.StagePhase;
import io.pillsnap.operator.observe.ObservedRun.OwnedJob;
import io.pillsnap.operator.observe.StageSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Which of a stage's trainer Jobs go: unfinished Jobs of a run that is no longer current (a rerun
 * stops them, also while the new run waits for a predecessor) or of an attempt given up on (its pod
 * did not start in time), and finished Jobs whose outcome the status records in this pass, after
 * the retention (kept that long for {@code kubectl logs}; result readers at once, and a failed
 * result reader as soon as the next read is planned). Pure.
 */
public final class TrainerJobsPlanner {

    /** A Job to delete; {@code stale} when it still ran for an earlier run. */
    public record Deletion(String job, boolean stale) {}

    /**
     * The Jobs to delete now, and when the next recorded Job's retention ends (null: none waits).
     */
    public record Cleanup(List<Deletion> deletions, Duration nextAfter) {}

    private TrainerJobsPlanner() {}

    public static Cleanup plan(StageSnapshot s, StagePlan plan, PlanSettings settings) {
        String currentRun =
                plan.run() != null
                                && Objects.equals(
                                        plan.run().nonce(), s.stage().getSpec().rerunNonce())
                        ? plan.run().id()
                        : null;
        List<Deletion> deletions = new ArrayList<>();
        Duration nextAfter = null;
        for (OwnedJob job : s.run().jobs()) {
            boolean ofCurrentRun = Objects.equals(job.runId(), currentRun);
            if (job.reader()) {
                if (!ofCurrentRun
                        || outcomeRecorded(plan)
                        || job.read() == null
                        || job.read() < plan.run().reads()) {
                    deletions.add(new Deletion(job.name(), false));
                }
                continue;
            }
            if (!job.finished()) {
                if (!ofCurrentRun) {
                    deletions.add(new Deletion(job.name(), true));
                } else if (job.attempt() != null && job.attempt() < plan.run().attempt()) {
                    // an attempt given up on (its pod never started): it must not start now
                    deletions.add(new Deletion(job.name(), false));
                }
                continue;
            }
            boolean recorded =
                    !ofCurrentRun
                            || job.attempt() != null && job.attempt() < plan.run().attempt()
                            || outcomeRecorded(plan);
            if (!recorded) {
                continue;
            }
            Instant expires = job.finishedAt().plus(settings.finishedJobRetention());
            if (s.now().isBefore(expires)) {
                Duration left = Duration.between(s.now(), expires);
                nextAfter = nextAfter == null || left.compareTo(nextAfter) < 0 ? left : nextAfter;
            } else {
                deletions.add(new Deletion(job.name(), false));
            }
        }
        return new Cleanup(List.copyOf(deletions), nextAfter);
    }

    /** The run's outcome (gate, or why it failed) is in the planned status. */
    private static boolean outcomeRecorded(StagePlan plan) {
        return plan.gate() != null
                || plan.phase() == StagePhase.Failed
                || plan.phase() == StagePhase.Promoted
                || plan.phase() == StagePhase.Rejected;
    }
}
