package io.pillsnap.api.v1alpha1.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.soabase.recordbuilder.core.RecordBuilder;

/**
 * The current run of a stage and its retry budget. A run is one training of the spec; it has
 * attempts (trainer Jobs), each resuming from the last checkpoint of the one before.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@RecordBuilder
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
                Integer evictions)
        implements RunStatusBuilder.With {

    /** Kueue evictions of the run so far, 0 when none. */
    public int evicted() {
        return evictions == null ? 0 : evictions;
    }

    /** Result reads started so far, 0 when none. */
    public int reads() {
        return resultReads == null ? 0 : resultReads;
    }

    /** A builder starting from this run: unchanged unless a setter says otherwise. */
    public RunStatusBuilder toBuilder() {
        return RunStatusBuilder.builder(this);
    }

    /** A run built field by field. */
    public static RunStatusBuilder builder() {
        return RunStatusBuilder.builder();
    }
}
