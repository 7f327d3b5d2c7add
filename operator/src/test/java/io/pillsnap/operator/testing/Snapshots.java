package io.pillsnap.operator.testing;

import io.pillsnap.api.v1alpha1.PillsnapStage;
import io.pillsnap.api.v1alpha1.PillsnapStageStatus;
import io.pillsnap.api.v1alpha1.status.StagePhase;
import io.pillsnap.operator.desired.RunNames;
import io.pillsnap.operator.observe.AttemptState;
import io.pillsnap.operator.observe.FailureKind;
import io.pillsnap.operator.observe.ObservedAttempt;
import io.pillsnap.operator.observe.ObservedReader;
import io.pillsnap.operator.observe.ObservedRun;
import io.pillsnap.operator.observe.ObservedServing;
import io.pillsnap.operator.observe.PredecessorState;
import io.pillsnap.operator.observe.StageSnapshot;
import io.pillsnap.operator.observe.StartProblem;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Planner inputs for unit tests. */
public final class Snapshots {

    public static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");
    public static final String IMAGE = "ghcr.io/pillsnap/pillsnap-trainer:test";

    private Snapshots() {}

    public static StageSnapshot of(
            PillsnapStage stage, ObservedRun run, PredecessorState... predecessors) {
        return new StageSnapshot(
                stage, run, Arrays.asList(predecessors), ObservedServing.none(), null, NOW);
    }

    /** The run id a stored test stage gets for run {@code number}. */
    public static String runId(PillsnapStage stage, int number) {
        return RunNames.runId(stage, number);
    }

    public static PillsnapStage withStatus(PillsnapStage stage, PillsnapStageStatus status) {
        stage.setStatus(status);
        return stage;
    }

    public static ObservedRun attempts(ObservedAttempt... attempts) {
        Map<Integer, ObservedAttempt> byNumber = new TreeMap<>();
        for (ObservedAttempt attempt : attempts) {
            byNumber.put(attempt.attempt(), attempt);
        }
        return new ObservedRun(byNumber, 0, null, List.of());
    }

    public static ObservedRun attemptsWithDisruptions(
            int disruptedPods, ObservedAttempt... attempts) {
        ObservedRun run = attempts(attempts);
        return new ObservedRun(run.attempts(), disruptedPods, null, List.of());
    }

    public static ObservedAttempt running(String job, int attempt) {
        return ObservedAttempt.builder(job, attempt, AttemptState.RUNNING).image(IMAGE).build();
    }

    /** Its pod cannot pull its image, since {@code since}. */
    public static ObservedAttempt pending(String job, int attempt) {
        return pending(job, attempt, NOW.minusSeconds(60));
    }

    public static ObservedAttempt pending(String job, int attempt, Instant since) {
        StartProblem problem =
                new StartProblem("ImagePullBackOff", "ImagePullBackOff: pulling (check the image)");
        return ObservedAttempt.builder(job, attempt, AttemptState.PENDING)
                .image(IMAGE)
                .detail(problem.message())
                .waitingSince(since)
                .startProblem(problem)
                .build();
    }

    public static ObservedAttempt suspended(String job, int attempt) {
        return ObservedAttempt.builder(job, attempt, AttemptState.SUSPENDED)
                .image(IMAGE)
                .detail("Job is suspended")
                .build();
    }

    public static ObservedAttempt succeeded(String job, int attempt, String terminationMessage) {
        return ObservedAttempt.builder(job, attempt, AttemptState.SUCCEEDED)
                .image(IMAGE)
                .exitCode(0)
                .terminationMessage(terminationMessage)
                .finishedAt(NOW.minusSeconds(1))
                .build();
    }

    /** The Job completed; its pod has not reported (yet), or is gone when {@code podGone}. */
    public static ObservedAttempt unreported(
            String job, int attempt, Instant finishedAt, boolean podGone) {
        return ObservedAttempt.builder(job, attempt, AttemptState.UNREPORTED)
                .image(IMAGE)
                .exitCode(0)
                .detail("no pod of Job " + job + " reported yet")
                .finishedAt(finishedAt)
                .podGone(podGone)
                .build();
    }

    /** A run whose Job completed without a report, with its result reader in {@code reader}. */
    public static ObservedRun withReader(ObservedRun run, ObservedReader reader) {
        return new ObservedRun(run.attempts(), run.disruptedPods(), reader, run.jobs());
    }

    /**
     * Result reader {@code read} in {@code state}, its container's exit code {@code exitCode}; when
     * it ended, it did an hour ago.
     */
    public static ObservedReader reader(
            int read, AttemptState state, String message, Integer exitCode) {
        return new ObservedReader(
                "stage2-reader-" + read,
                read,
                state,
                message,
                state == AttemptState.FAILED
                        ? "BackoffLimitExceeded: Job has reached the limit"
                        : null,
                exitCode,
                state == AttemptState.FAILED || state == AttemptState.SUCCEEDED
                        ? NOW.minusSeconds(3600)
                        : null);
    }

    /** Result reader {@code read} failed, {@code detail} saying why, without ever running. */
    public static ObservedReader readerThatNeverRan(int read, String detail, Instant failedAt) {
        return new ObservedReader(
                "stage2-reader-" + read, read, AttemptState.FAILED, null, detail, null, failedAt);
    }

    public static ObservedAttempt failed(String job, int attempt, FailureKind kind, int exitCode) {
        return ObservedAttempt.builder(job, attempt, AttemptState.FAILED)
                .image(IMAGE)
                .failureKind(kind)
                .exitCode(exitCode)
                .detail("BackoffLimitExceeded: Job has reached the specified backoff limit")
                .finishedAt(NOW.minusSeconds(1))
                .build();
    }

    public static PredecessorState promoted(String name, String artifactsPath) {
        return new PredecessorState(name, true, StagePhase.Promoted, artifactsPath);
    }

    public static PredecessorState inPhase(String name, StagePhase phase) {
        return new PredecessorState(name, true, phase, null);
    }

    public static PredecessorState missing(String name) {
        return new PredecessorState(name, false, null, null);
    }
}
