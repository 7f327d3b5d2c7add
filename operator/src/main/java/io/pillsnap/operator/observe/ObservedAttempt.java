package io.pillsnap.operator.observe;

import java.time.Instant;

/**
 * One attempt (trainer Job) of the current run as observed.
 *
 * @param terminationMessage the trainer container's termination message: its result when SUCCEEDED,
 *     often its error when FAILED; null when no pod reported one
 * @param detail human-readable cause, e.g. the Job's failure condition message
 * @param image the trainer image the Job runs
 * @param finishedAt when the Job completed or failed; null while it runs
 * @param podGone no pod of the Job exists any more
 */
public record ObservedAttempt(
        String jobName,
        String image,
        int attempt,
        AttemptState state,
        FailureKind failureKind,
        Integer exitCode,
        String terminationMessage,
        String detail,
        Instant finishedAt,
        boolean podGone) {

    /** Whether the trainer's result has to be read from the run folder instead. */
    public boolean resultLost() {
        return state == AttemptState.UNREPORTED && podGone
                || state == AttemptState.SUCCEEDED
                        && (terminationMessage == null || terminationMessage.isBlank());
    }
}
