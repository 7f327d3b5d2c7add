package io.pillsnap.trainer.engine;

import io.soabase.recordbuilder.core.RecordBuilder;
import java.nio.file.Path;

/**
 * A task's loop as the engine drives it: its figures, the weights it trains and averages, and the
 * folders of its last and best checkpoints.
 *
 * @param task "classifier" or "detector"
 * @param logPrefix what starts its log lines ("" or "detector ")
 * @param boardPrefix what starts its TensorBoard tags ("" or "detector/")
 * @param weights the model, its optimizer and its weight average (validated and checkpointed as the
 *     best when there is one)
 */
@RecordBuilder
public record LoopSetup(
        String task,
        String logPrefix,
        String boardPrefix,
        int epochs,
        int batchesPerEpoch,
        int batchSize,
        TrainingWeights weights,
        Path lastCheckpoint,
        Path bestCheckpoint) {

    public static LoopSetupBuilder builder() {
        return LoopSetupBuilder.builder();
    }

    /**
     * What a task is called in log lines, TensorBoard tags and checkpoint folders.
     *
     * @param lastCheckpoint the folder name of its last checkpoint in the run's checkpoints
     */
    public record TaskNames(
            String task,
            String logPrefix,
            String boardPrefix,
            String lastCheckpoint,
            String bestCheckpoint) {}

    /** The loop of a run's task over the stage's epochs, its checkpoints in the run's folder. */
    public static LoopSetup of(
            RunContext run,
            TaskNames names,
            int batchesPerEpoch,
            int batchSize,
            TrainingWeights weights) {
        return builder()
                .task(names.task())
                .logPrefix(names.logPrefix())
                .boardPrefix(names.boardPrefix())
                .epochs(run.config().spec().training().epochs())
                .batchesPerEpoch(batchesPerEpoch)
                .batchSize(batchSize)
                .weights(weights)
                .lastCheckpoint(run.dir().checkpoint(names.lastCheckpoint()))
                .bestCheckpoint(run.dir().checkpoint(names.bestCheckpoint()))
                .build();
    }

    /** Batches of {@code batchSize} covering the training set, at most {@code maxBatches}. */
    public static int batchesPerEpoch(int trainSize, int batchSize, Integer maxBatches) {
        int all = (trainSize + batchSize - 1) / batchSize;
        return maxBatches == null ? all : Math.min(all, maxBatches);
    }

    public TrainableModel<?> model() {
        return weights.model();
    }

    public WeightAverage average() {
        return weights.average();
    }
}
