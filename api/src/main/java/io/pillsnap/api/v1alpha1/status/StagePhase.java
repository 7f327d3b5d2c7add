package io.pillsnap.api.v1alpha1.status;

/** Where a stage is in train -> evaluate -> gate -> promote. */
public enum StagePhase {
    /** A predecessor (spec.after or spec.initFrom) is not Promoted yet. */
    Waiting,
    /** The trainer Job exists but no trainer pod runs yet (scheduling, image pull, Kueue). */
    Queued,
    Training,
    /** Training ended; the gate is being evaluated or the passed gate awaits manual approval. */
    Evaluating,
    Promoted,
    /** The gate failed or was inconclusive. */
    Rejected,
    /** The run could not produce a result (bad configuration or data, retries exhausted). */
    Failed;

    public boolean isTerminal() {
        return this == Promoted || this == Rejected || this == Failed;
    }

    public boolean isRunning() {
        return this == Queued || this == Training;
    }
}
