package io.pillsnap.trainer.engine;

/**
 * What the engine reads of a task's saved state (the task's record, written with each checkpoint):
 * where the loop stands and how its validation score went.
 */
public interface LoopState {

    /** Complete epochs. */
    int epochsDone();

    /** First batch of epoch {@link #epochsDone()} still to train (0 at an epoch start). */
    int nextBatch();

    /** Batches trained over all epochs. */
    long step();

    /** Epochs since the best validation score. */
    int epochsWithoutImprovement();

    /** Whether the last epoch set the best validation score (its checkpoint is the best). */
    boolean improvedLastEpoch();

    /** Batches whose gradients are accumulated but not yet applied by an optimizer step. */
    default int pendingBatches() {
        return 0;
    }
}
