package io.pillsnap.trainer.engine;

/**
 * The training loop of one task, driven one batch at a time so that a run can train two tasks in
 * one process, interleaved ({@link Interleaving}). The loop owns its model, optimizer, schedule,
 * weight average, checkpoints and early stopping.
 */
public interface TaskLoop extends AutoCloseable {

    /** "classifier" or "detector", for logs and messages. */
    String task();

    /** True when every epoch is trained or early stopping ended the task. */
    boolean finished();

    /** True when the current epoch has no batch left: {@link #endEpoch()} comes next. */
    boolean epochComplete();

    /** Trains the current epoch's next batch. */
    void step();

    /** Validates, checkpoints and reports the epoch whose batches are all trained. */
    void endEpoch();

    /** Optimisation steps so far, over all epochs (resumed ones included). */
    long steps();

    /** Saves the loop's last checkpoint where it stands, mid-epoch included. */
    void saveLast();

    /** Where the loop stands, for a stop message: "classifier epoch 2, batch 3". */
    String position();

    /** The folder of its last checkpoint. */
    java.nio.file.Path lastCheckpoint();

    @Override
    void close();
}
