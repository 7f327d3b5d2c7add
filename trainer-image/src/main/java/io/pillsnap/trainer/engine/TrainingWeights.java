package io.pillsnap.trainer.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a task's checkpoint holds besides its state record: the model's tensors, the optimizer's
 * moments and the weight average (null when the task keeps none); saved and resumed together so
 * that a resumed run continues exactly as an uninterrupted one.
 */
public record TrainingWeights(
        TrainableModel<?> model, TrainingOptimizer optimizer, WeightAverage average) {

    private static final Logger log = LoggerFactory.getLogger(TrainingWeights.class);

    /** A checkpoint read back: its folder and the state saved with it. */
    public record Resumed<S>(Path folder, S state) {}

    /**
     * The last checkpoint: every tensor, the optimizer, the average and, between two optimizer
     * steps, the gradients accumulated since the last one ({@code gradients}, null when none).
     */
    public void saveLast(Path folder, Object state, Map<String, NDArray> gradients) {
        Checkpoints.save(folder, model.parameters(), optimizer, average, state, gradients);
    }

    /** The best checkpoint: the weights alone, the weight average's in place when there is one. */
    public void saveBest(Path folder, Object state) {
        if (average == null) {
            Checkpoints.save(folder, model.parameters(), null, null, state);
            return;
        }
        average.withAverage(
                () -> {
                    Checkpoints.save(folder, model.parameters(), null, null, state);
                    return null;
                });
    }

    /**
     * Continues from the checkpoint in {@code folder}, if one is there: reads its state (refused by
     * {@code requireSameData}, told the folder read, when it was trained on other data), then the
     * weights, the optimizer at {@code optimizerSteps} of that state, and the weight average.
     *
     * @param task names the task in the log lines ("classifier", "detector")
     * @return the checkpoint read, empty when there is none yet
     */
    public <S extends LoopState> Optional<Resumed<S>> resume(
            Path folder,
            Class<S> type,
            String task,
            BiConsumer<Path, S> requireSameData,
            ToLongFunction<S> optimizerSteps) {
        Optional<Path> found = Checkpoints.find(folder);
        if (found.isEmpty()) {
            log.warn("no {} checkpoint at {} yet: starting from the first epoch", task, folder);
            return Optional.empty();
        }
        S state = Checkpoints.readState(found.get(), type);
        requireSameData.accept(found.get(), state);
        Checkpoints.loadWeights(found.get(), model.parameters(), false, model.manager());
        try (NDManager scope = model.manager().newSubManager()) {
            Map<String, NDArray> moments =
                    Checkpoints.read(found.get().resolve(Checkpoints.OPTIMIZER), scope);
            optimizer.restore(moments, optimizerSteps.applyAsLong(state));
            Path ema = found.get().resolve(Checkpoints.EMA);
            if (average != null && Files.exists(ema)) {
                average.restore(Checkpoints.read(ema, scope));
            }
        }
        log.info(
                "{} resumed from {} at epoch {}, batch {} (step {})",
                task,
                found.get(),
                state.epochsDone() + 1,
                state.nextBatch(),
                state.step());
        return Optional.of(new Resumed<>(found.get(), state));
    }
}
