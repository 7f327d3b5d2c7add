package io.pillsnap.operator.plan;

import io.pillsnap.api.ApiConstants;
import io.pillsnap.api.trainer.TrainerResultCodec;
import io.pillsnap.api.trainer.TrainerResultCodec.Decoded;
import io.pillsnap.api.v1alpha1.spec.ResourcesSpec;
import io.pillsnap.operator.observe.AttemptState;
import io.pillsnap.operator.observe.ObservedAttempt;
import io.pillsnap.operator.observe.ObservedReader;
import io.pillsnap.operator.observe.PredecessorState;
import io.pillsnap.operator.observe.StageSnapshot;
import io.pillsnap.operator.status.Conditions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/** The words of the stage's status messages and Events: what happens, why, and what to do. */
final class StageMessages {

    private static final int EXCERPT = 300;

    private StageMessages() {}

    static String waitingFor(List<PredecessorState> blockers, StageSnapshot s) {
        return "waiting for "
                + blockers.stream().map(p -> describe(p, s)).collect(Collectors.joining("; "));
    }

    static String promotedPredecessors(List<PredecessorState> predecessors) {
        return predecessors.isEmpty()
                ? "the stage has no predecessors"
                : "promoted: "
                        + predecessors.stream()
                                .map(PredecessorState::name)
                                .collect(Collectors.joining(", "));
    }

    static String runStarted(String runId, String job) {
        return "run " + runId + " started: trainer Job " + job;
    }

    static String suspended(ObservedAttempt attempt, ResourcesSpec resources) {
        String queue = resources.queueName();
        String kueue =
                attempt.startProblem() == null ? "" : ": " + attempt.startProblem().message();
        return "trainer Job "
                + attempt.jobName()
                + " is suspended"
                + (queue == null
                        ? " (spec.suspend is set on the Job)" + kueue
                        : ", waiting for Kueue LocalQueue '" + queue + "' to admit it" + kueue);
    }

    static String evicted(ObservedAttempt attempt, String checkpoint) {
        return "attempt "
                + attempt.attempt()
                + " (Job "
                + attempt.jobName()
                + ") was suspended again after it ran"
                + (attempt.startProblem() == null
                        ? ""
                        : " (" + attempt.startProblem().message() + ")")
                + "; it resumes from "
                + checkpoint
                + " when admitted again (not charged to the retry budget)";
    }

    static String pending(ObservedAttempt attempt) {
        return "waiting for the trainer pod of Job " + attempt.jobName() + ": " + attempt.detail();
    }

    static String waitingForPod(String message, Instant deadline, Duration timeout) {
        return deadline == null
                ? message
                : message
                        + "; the attempt fails at "
                        + Conditions.timestamp(deadline)
                        + " unless its pod runs (spec.resources.startTimeoutSeconds: "
                        + timeout.toSeconds()
                        + " s)";
    }

    static String didNotStart(ObservedAttempt attempt, Duration timeout) {
        return "its trainer pod did not start within "
                + timeout.toSeconds()
                + " s (spec.resources.startTimeoutSeconds)"
                + (attempt.startProblem() == null
                        ? ": " + attempt.detail()
                        : ": " + attempt.startProblem().message());
    }

    static String training(int attempt, String job) {
        return "training, attempt " + attempt + " (Job " + job + ")";
    }

    static String ran(int attempt, ObservedAttempt observed) {
        return "training, attempt "
                + attempt
                + " (Job "
                + observed.jobName()
                + "): "
                + observed.detail();
    }

    static String awaitingResult(ObservedAttempt attempt, Duration wait, String resultFile) {
        return "trainer Job "
                + attempt.jobName()
                + " completed; waiting for the result in its pod's status (at most "
                + wait.toSeconds()
                + " s, then "
                + resultFile
                + " is read)";
    }

    static String readingResult(ObservedAttempt attempt, String resultFile, String readerState) {
        return "trainer Job "
                + attempt.jobName()
                + " completed but its pod is gone or reported nothing: reading "
                + resultFile
                + " from the artifacts claim"
                + (readerState == null ? "" : " (" + readerState + ")");
    }

    static String readerFailed(
            ObservedAttempt attempt, String resultFile, ObservedReader reader, Instant next) {
        return "trainer Job "
                + attempt.jobName()
                + " completed; reading "
                + resultFile
                + " failed for a reason of the reader's own, not the run's: "
                + readerTrouble(reader)
                + "; reading it again at "
                + Conditions.timestamp(next)
                + " (check the reader Job's events: the inference image, the artifacts claim,"
                + " the namespace's quota)";
    }

    static String readingAgain(
            ObservedAttempt attempt, String resultFile, ObservedReader reader, int read) {
        return "trainer Job "
                + attempt.jobName()
                + " completed; reading "
                + resultFile
                + " again (read "
                + read
                + "): the previous read failed for a reason of the reader's own, not the run's: "
                + readerTrouble(reader);
    }

    private static String readerTrouble(ObservedReader reader) {
        String says =
                reader.message() == null || reader.message().isBlank()
                        ? ""
                        : "; it said: " + excerpt(reader.message());
        return "reader Job "
                + reader.jobName()
                + " "
                + (reader.state() == AttemptState.UNREPORTED
                        ? "completed but its pod is gone without a report"
                        : Objects.requireNonNullElse(reader.detail(), "failed"))
                + (reader.exitCode() == null ? "" : " (exit code " + reader.exitCode() + ")")
                + says;
    }

    static String resultLost(ObservedAttempt attempt, String resultFile, String readerSays) {
        return "trainer Job "
                + attempt.jobName()
                + " completed but left no result: its pod is gone and "
                + resultFile
                + " is not there"
                + (readerSays == null || readerSays.isBlank()
                        ? ""
                        : " (" + excerpt(readerSays) + ")")
                + "; set a new spec.rerunNonce to train again";
    }

    static String unreadableResult(ObservedAttempt attempt, String reason) {
        return "trainer Job "
                + attempt.jobName()
                + " finished but its result is unreadable: "
                + reason;
    }

    static String resultOfAnotherRun(ObservedAttempt attempt, String reported, String expected) {
        return "trainer Job "
                + attempt.jobName()
                + " reported the result of run "
                + reported
                + ", not of this run "
                + expected
                + ": ignored";
    }

    static String trainerFailed(String trainerSays) {
        return "the trainer reported a failure: " + excerpt(trainerSays);
    }

    static String trained(Integer epochs, Integer bestEpoch) {
        return "trained " + epochs + " epochs, best epoch " + bestEpoch;
    }

    static String permanentFailure(boolean config, ObservedAttempt attempt) {
        return (config ? "invalid configuration" : "invalid data")
                + " (trainer exit code "
                + attempt.exitCode()
                + "): "
                + failureCause(attempt)
                + "; fix the "
                + (config ? "spec" : "dataset")
                + ", then set a new spec.rerunNonce (not retried: retrying cannot help)";
    }

    static String disrupted(int attempt, int next, String checkpoint) {
        return "attempt "
                + attempt
                + " was preempted or evicted; attempt "
                + next
                + " resumes from "
                + checkpoint
                + " (not charged to the retry budget)";
    }

    static String retriesExhausted(ObservedAttempt attempt, int limit) {
        return "attempt "
                + attempt.attempt()
                + " failed ("
                + failureCause(attempt)
                + "); no retries left ("
                + limit
                + " allowed by spec.training.maxRetries)";
    }

    static String retrying(
            ObservedAttempt attempt, int next, String checkpoint, int charged, int limit) {
        return "attempt "
                + attempt.attempt()
                + " failed ("
                + failureCause(attempt)
                + "); attempt "
                + next
                + " resumes from "
                + checkpoint
                + " (retry "
                + charged
                + " of "
                + limit
                + ")";
    }

    static String awaitingApproval(String stage, String runId) {
        return "gate passed; promotion is Manual: approve with kubectl annotate ps "
                + stage
                + " "
                + ApiConstants.ANNOTATION_APPROVE
                + "="
                + runId
                + " --overwrite";
    }

    static String blockingReason(List<PredecessorState> blockers) {
        if (blockers.stream().anyMatch(p -> !p.exists())) {
            return "PredecessorNotFound";
        }
        if (blockers.stream().anyMatch(PredecessorState::isDeadEnd)) {
            return "PredecessorNotPromotable";
        }
        return "PredecessorNotPromoted";
    }

    private static String describe(PredecessorState p, StageSnapshot s) {
        if (!p.exists()) {
            return "stage '"
                    + p.name()
                    + "' to be Promoted (it does not exist in namespace "
                    + s.stage().getMetadata().getNamespace()
                    + ")";
        }
        if (p.isDeadEnd()) {
            return "stage '"
                    + p.name()
                    + "' to be Promoted (it is "
                    + p.phase()
                    + ": run it again with a new spec.rerunNonce)";
        }
        return "stage '"
                + p.name()
                + "' to be Promoted (it is "
                + Objects.requireNonNullElse(p.phase(), "not started")
                + ")";
    }

    private static String failureCause(ObservedAttempt attempt) {
        Decoded decoded = TrainerResultCodec.decode(attempt.terminationMessage());
        String trainerSays =
                decoded instanceof Decoded.Readable readable
                        ? readable.result().message()
                        : attempt.terminationMessage();
        String base =
                attempt.exitCode() == null
                        ? attempt.detail()
                        : "exit code " + attempt.exitCode() + ", " + attempt.detail();
        return trainerSays == null || trainerSays.isBlank()
                ? base
                : base + "; trainer: " + excerpt(trainerSays);
    }

    static String excerpt(String text) {
        if (text == null) {
            return "";
        }
        String oneLine = text.strip().replaceAll("\\s+", " ");
        return oneLine.length() <= EXCERPT ? oneLine : oneLine.substring(0, EXCERPT) + "...";
    }
}
