package io.pillsnap.trainer.engine;

import io.pillsnap.trainer.config.TrainConfig;
import io.pillsnap.trainer.config.TrainerSettings;
import io.pillsnap.trainer.progress.TensorBoardWriter;

/**
 * What every task of a run shares: its configuration, folder, TensorBoard, stop signal, the
 * progress the trainer reports at /progress, and the prepared image store.
 */
public record RunContext(
        TrainConfig config,
        RunDirectory dir,
        TensorBoardWriter board,
        StopSignal stop,
        Progress progress,
        RunImageStore images) {

    public TrainerSettings settings() {
        return config.settings();
    }

    public long seed() {
        return config.seed();
    }

    /**
     * Where a task's training stands ("classifier" or "detector"), for /progress; values that do
     * not apply are null.
     */
    @FunctionalInterface
    public interface Progress {
        void update(
                String task,
                String phase,
                int epoch,
                int epochs,
                int batch,
                int batches,
                Double loss,
                Double learningRate,
                Double imagesPerSecond,
                Double best,
                Long etaSeconds);
    }
}
