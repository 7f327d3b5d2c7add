package io.pillsnap.trainer.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.pillsnap.trainer.config.ConfigException;
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
     * The state to train on from: {@code fresh} without a checkpoint in {@code folder} (or without
     * a folder), else the checkpoint's, with its weights, the optimizer at {@code optimizerSteps}
     * of its state, the weight average and the gradients accumulated since the last optimizer step.
     * {@code requireSameData}, told the folder read, refuses a checkpoint of other data.
     *
     * @param task names the task in the log lines ("classifier", "detector")
     */
    public <S extends LoopState> S resumeOr(
            S fresh,
            Path folder,
            String task,
            BiConsumer<Path, S> requireSameData,
            ToLongFunction<S> optimizerSteps) {
        Optional<Path> found = folder == null ? Optional.empty() : Checkpoints.find(folder);
        if (found.isEmpty()) {
            if (folder != null) {
                log.warn("no {} checkpoint at {} yet: starting from the first epoch", task, folder);
            }
            return fresh;
        }
        @SuppressWarnings("unchecked")
        S state = (S) Checkpoints.readState(found.get(), fresh.getClass());
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
        if (state.pendingBatches() > 0) {
            model.restorePendingGradients(
                    Checkpoints.read(pendingGradients(found.get(), task), model.manager()));
        }
        log.info(
                "{} resumed from {} at epoch {}, batch {} (step {})",
                task,
                found.get(),
                state.epochsDone() + 1,
                state.nextBatch(),
                state.step());
        return state;
    }

    private static Path pendingGradients(Path folder, String task) {
        Path gradients = folder.resolve(Checkpoints.GRADIENTS);
        if (!Files.exists(gradients)) {
            throw new ConfigException(
                    "%s checkpoint %s was saved between two optimizer steps but has no %s: it is"
                                    .formatted(task, folder, Checkpoints.GRADIENTS)
                            + " incomplete; resume from an earlier copy or start over");
        }
        return gradients;
    }
}
