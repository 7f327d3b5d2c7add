package io.pillsnap.trainer.engine;

import io.pillsnap.api.trainer.TrainingProgress;
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
     * Where a task's training stands, for /progress: a snapshot with its task, phase and figures
     * (values that do not apply are null); the run adds its stage, run id and time.
     */
    @FunctionalInterface
    public interface Progress {
        void update(TrainingProgress snapshot);
    }
}
