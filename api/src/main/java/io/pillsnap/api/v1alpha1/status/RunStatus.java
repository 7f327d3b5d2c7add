package io.pillsnap.api.v1alpha1.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * The current run of a stage and its retry budget. A run is one training of the spec; it has
 * attempts (trainer Jobs), each resuming from the last checkpoint of the one before.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunStatus(
        @JsonPropertyDescription(
                        "Run id, unique per stage object; names the run's artifact folder and is"
                                + " the value a manual approval names.")
                String id,
        @JsonPropertyDescription("Run number of this stage, from 1.") Integer number,
        @JsonPropertyDescription("spec.rerunNonce the run was started for.") String nonce,
        @JsonPropertyDescription("Current attempt, from 1; names the trainer Job.") Integer attempt,
        @JsonPropertyDescription("Failed attempts charged to the retry budget.")
                Integer failedAttempts,
        @JsonPropertyDescription(
                        "Failed attempts allowed before the stage fails"
                                + " (spec.training.maxRetries when the run started).")
                Integer retryLimit,
        @JsonPropertyDescription(
                        "Trainer pods stopped by preemption or eviction; not charged to the"
                                + " budget.")
                Integer disruptions,
        @JsonPropertyDescription("Name of the trainer Job of the current attempt.") String job,
        @JsonPropertyDescription("Folder of the run on the artifacts volume.") String artifactsPath,
        @JsonPropertyDescription("Checkpoint the current attempt resumes from, when it is a retry.")
                String resumeFrom,
        @JsonPropertyDescription("Checkpoint the model was initialised from (spec.initFrom).")
                String initFrom,
        @JsonPropertyDescription("When the run started (RFC 3339).") String startTime,
        @JsonPropertyDescription("When the trainer of the run finished (RFC 3339).")
                String completionTime,
        @JsonPropertyDescription(
                        "Result reader Jobs started for the run: each reads result.json from the"
                                + " run folder when the trainer's pod could not report it; one"
                                + " that fails for its own reasons (image pull, volume, quota,"
                                + " deadline) is started again after a backoff.")
                Integer resultReads,
        @JsonPropertyDescription(
                        "Hash of the spec fields the current attempt's trainer Job is made from,"
                                + " recorded before the Job is created (its pillsnap.io/spec-hash"
                                + " annotation carries the same).")
                String specHash,
        @JsonPropertyDescription(
                        "Times Kueue suspended the current run's attempt after it had started"
                                + " (evicted or preempted it); not charged to the budget: the"
                                + " attempt resumes from its checkpoint when admitted again.")
                Integer evictions) {

    /** Kueue evictions of the run so far, 0 when none. */
    public int evicted() {
        return evictions == null ? 0 : evictions;
    }

    /** Result reads started so far, 0 when none. */
    public int reads() {
        return resultReads == null ? 0 : resultReads;
    }

    /** A builder starting from this run: unchanged unless a setter says otherwise. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** A run built field by field. */
    public static Builder builder() {
        return new Builder(
                new RunStatus(
                        null, null, null, null, null, null, null, null, null, null, null, null,
                        null, null, null, null));
    }

    public RunStatus withAttempt(
            int attempt, int failedAttempts, int disruptions, String job, String resumeFrom) {
        return toBuilder()
                .attempt(attempt)
                .failedAttempts(failedAttempts)
                .disruptions(disruptions)
                .job(job)
                .resumeFrom(resumeFrom)
                .build();
    }

    public RunStatus withDisruptions(int disruptions) {
        return toBuilder().disruptions(disruptions).build();
    }

    public RunStatus withCompletionTime(String completionTime) {
        return toBuilder().completionTime(completionTime).build();
    }

    /** Builds a run status by name, so that no caller passes its fields by position. */
    public static final class Builder {
        private String id;
        private Integer number;
        private String nonce;
        private Integer attempt;
        private Integer failedAttempts;
        private Integer retryLimit;
        private Integer disruptions;
        private String job;
        private String artifactsPath;
        private String resumeFrom;
        private String initFrom;
        private String startTime;
        private String completionTime;
        private Integer resultReads;
        private String specHash;
        private Integer evictions;

        private Builder(RunStatus from) {
            id = from.id;
            number = from.number;
            nonce = from.nonce;
            attempt = from.attempt;
            failedAttempts = from.failedAttempts;
            retryLimit = from.retryLimit;
            disruptions = from.disruptions;
            job = from.job;
            artifactsPath = from.artifactsPath;
            resumeFrom = from.resumeFrom;
            initFrom = from.initFrom;
            startTime = from.startTime;
            completionTime = from.completionTime;
            resultReads = from.resultReads;
            specHash = from.specHash;
            evictions = from.evictions;
        }

        public Builder id(String id) {
            this.id = id;
            return this;
        }

        public Builder number(Integer number) {
            this.number = number;
            return this;
        }

        public Builder nonce(String nonce) {
            this.nonce = nonce;
            return this;
        }

        public Builder attempt(Integer attempt) {
            this.attempt = attempt;
            return this;
        }

        public Builder failedAttempts(Integer failedAttempts) {
            this.failedAttempts = failedAttempts;
            return this;
        }

        public Builder retryLimit(Integer retryLimit) {
            this.retryLimit = retryLimit;
            return this;
        }

        public Builder disruptions(Integer disruptions) {
            this.disruptions = disruptions;
            return this;
        }

        public Builder job(String job) {
            this.job = job;
            return this;
        }

        public Builder artifactsPath(String artifactsPath) {
            this.artifactsPath = artifactsPath;
            return this;
        }

        public Builder resumeFrom(String resumeFrom) {
            this.resumeFrom = resumeFrom;
            return this;
        }

        public Builder initFrom(String initFrom) {
            this.initFrom = initFrom;
            return this;
        }

        public Builder startTime(String startTime) {
            this.startTime = startTime;
            return this;
        }

        public Builder completionTime(String completionTime) {
            this.completionTime = completionTime;
            return this;
        }

        public Builder resultReads(Integer resultReads) {
            this.resultReads = resultReads;
            return this;
        }

        public Builder specHash(String specHash) {
            this.specHash = specHash;
            return this;
        }

        public Builder evictions(Integer evictions) {
            this.evictions = evictions;
            return this;
        }

        public RunStatus build() {
            return new RunStatus(
                    id,
                    number,
                    nonce,
                    attempt,
                    failedAttempts,
                    retryLimit,
                    disruptions,
                    job,
                    artifactsPath,
                    resumeFrom,
                    initFrom,
                    startTime,
                    completionTime,
                    resultReads,
                    specHash,
                    evictions);
        }
    }
}
