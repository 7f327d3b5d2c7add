package io.pillsnap.operator.observe;

/**
 * One attempt (trainer Job) of the current run as observed.
 *
 * @param terminationMessage the trainer container's termination message: its result when SUCCEEDED,
 *     often its error when FAILED; null when no pod reported one
 * @param detail human-readable cause, e.g. the Job's failure condition message
 * @param image the trainer image the Job runs
 */
public record ObservedAttempt(
        String jobName,
        String image,
        int attempt,
        AttemptState state,
        FailureKind failureKind,
        Integer exitCode,
        String terminationMessage,
        String detail) {}
