package io.pillsnap.trainer.engine;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/**
 * One task's own parts of the training loop, which {@link EpochLoop} drives: its batches, its
 * training step, its validation, its state record and its epoch's report. The engine holds the rest
 * once: order, timing, checkpoints, the weight average's swap, progress and stopping.
 *
 * @param <S> the task's state record, saved with every checkpoint
 * @param <B> a batch ready for a step
 * @param <E> the task's validation result
 */
public interface TrainingTask<S extends LoopState, B, E> {

    /** The loop's fixed figures, weights and checkpoint folders. */
    LoopSetup setup();

    /** Whether early stopping ends the task at {@code state}, before its last epoch. */
    boolean stale(S state);

    /** Takes up the running figures a state stands in (0 at an epoch's start). */
    void begin(S state);

    /** The batch {@code batch} of epoch {@code epoch}, the first of a (resumed) epoch included. */
    B load(int epoch, int batch);

    /**
     * Trains one batch and adds it to the epoch's running figures.
     *
     * @param state where the loop stood before the epoch (its history)
     * @throws KeptCheckpointException when training must stop with its last checkpoint saved
     */
    Trained train(B batch, S state, BatchAt at);

    /**
     * Where a batch stands.
     *
     * @param index batches trained before it over all epochs
     */
    record BatchAt(int epoch, int batch, long index) {}

    /** What a step did: the pictures it trained on and the learning rate it used. */
    record Trained(int images, float learningRate) {}

    /** Closes what {@link #load} opened for the epoch. */
    void endOfData();

    /** The state mid-epoch, before batch {@code nextBatch}, with the running figures. */
    S midEpoch(S state, int nextBatch, long step);

    /** Gradients accumulated since the last optimizer step, saved with the last checkpoint. */
    default Map<String, NDArray> pendingGradients() {
        return null;
    }

    /** The epoch's mean training loss so far, for progress. */
    double meanLoss();

    /** "0.6931" or "box 1.2 cls 0.8 dfl 1.1": the running loss of a progress line. */
    String describeLoss();

    /** The best validation score so far, for progress; null when the task reports none. */
    Double bestScore(S state);

    /** The current weights on the validation data (with the weight average swapped in). */
    E validate();

    /** The state after an epoch and its validation. */
    S epochDone(S state, E validation, EpochTime time);

    /**
     * Reports an ended epoch (log line, TensorBoard, metrics files) after its checkpoint is saved.
     *
     * @throws KeptCheckpointException when training must stop here
     */
    void epochEnded(S state, E validation, EpochTime time);
}
