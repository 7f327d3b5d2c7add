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
 * @param waitingSince since when the attempt waits for a trainer pod to run (its Job started, or a
 *     disrupted pod ended); null when it does not wait (running, finished, suspended)
 * @param startProblem why its pod does not run, when something says; null otherwise
 * @param specHash the hash of the spec fields its Job was made from (its annotation); null for a
 *     Job made before the operator recorded it
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
        boolean podGone,
        Instant waitingSince,
        StartProblem startProblem,
        String specHash) {

    /** Whether the trainer's result has to be read from the run folder instead. */
    public boolean resultLost() {
        return state == AttemptState.UNREPORTED && podGone
                || state == AttemptState.SUCCEEDED
                        && (terminationMessage == null || terminationMessage.isBlank());
    }

    public static Builder builder(String jobName, int attempt, AttemptState state) {
        return new Builder(jobName, attempt, state);
    }

    public Builder toBuilder() {
        return new Builder(jobName, attempt, state)
                .image(image)
                .failureKind(failureKind)
                .exitCode(exitCode)
                .terminationMessage(terminationMessage)
                .detail(detail)
                .finishedAt(finishedAt)
                .podGone(podGone)
                .waitingSince(waitingSince)
                .startProblem(startProblem)
                .specHash(specHash);
    }

    /** Builds an observed attempt by name. */
    public static final class Builder {
        private final String jobName;
        private final int attempt;
        private AttemptState state;
        private String image;
        private FailureKind failureKind;
        private Integer exitCode;
        private String terminationMessage;
        private String detail;
        private Instant finishedAt;
        private boolean podGone;
        private Instant waitingSince;
        private StartProblem startProblem;
        private String specHash;

        private Builder(String jobName, int attempt, AttemptState state) {
            this.jobName = jobName;
            this.attempt = attempt;
            this.state = state;
        }

        public Builder state(AttemptState state) {
            this.state = state;
            return this;
        }

        public Builder image(String image) {
            this.image = image;
            return this;
        }

        public Builder failureKind(FailureKind failureKind) {
            this.failureKind = failureKind;
            return this;
        }

        public Builder exitCode(Integer exitCode) {
            this.exitCode = exitCode;
            return this;
        }

        public Builder terminationMessage(String terminationMessage) {
            this.terminationMessage = terminationMessage;
            return this;
        }

        public Builder detail(String detail) {
            this.detail = detail;
            return this;
        }

        public Builder finishedAt(Instant finishedAt) {
            this.finishedAt = finishedAt;
            return this;
        }

        public Builder podGone(boolean podGone) {
            this.podGone = podGone;
            return this;
        }

        public Builder waitingSince(Instant waitingSince) {
            this.waitingSince = waitingSince;
            return this;
        }

        public Builder startProblem(StartProblem startProblem) {
            this.startProblem = startProblem;
            return this;
        }

        public Builder specHash(String specHash) {
            this.specHash = specHash;
            return this;
        }

        public ObservedAttempt build() {
            return new ObservedAttempt(
                    jobName,
                    image,
                    attempt,
                    state,
                    failureKind,
                    exitCode,
                    terminationMessage,
                    detail,
                    finishedAt,
                    podGone,
                    waitingSince,
                    startProblem,
                    specHash);
        }
    }
}
