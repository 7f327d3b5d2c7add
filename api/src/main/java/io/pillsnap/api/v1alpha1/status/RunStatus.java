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
                String completionTime) {

    public RunStatus withAttempt(
            int attempt, int failedAttempts, int disruptions, String job, String resumeFrom) {
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
                completionTime);
    }

    public RunStatus withDisruptions(int disruptions) {
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
                completionTime);
    }

    public RunStatus withCompletionTime(String completionTime) {
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
                completionTime);
    }
}
