package io.pillsnap.trainer.engine;

import ai.djl.ndarray.NDArray;
import io.pillsnap.trainer.runtime.Tensors;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An optimizer whose state is ours to save and restore, so that a resumed run continues exactly.
 * Every step consumes the parameters' gradients.
 */
public interface TrainingOptimizer {

    /**
     * One update of every parameter from its gradient, scaled by {@code gradientScale} (global norm
     * clipping).
     */
    default void step(float learningRate, float gradientScale) {
        step(learningRate, learningRate, gradientScale);
    }

    /**
     * As {@link #step(float, float)}, with another learning rate for the biases (tensors named
     * {@code *.bias}), which the reference detector warms up from 0.1 down.
     */
    void step(float learningRate, float biasLearningRate, float gradientScale);

    static boolean isBias(String name) {
        return name.endsWith(".bias");
    }

    long stepCount();

    /**
     * {@code into} (a new ordered map when null) with every buffer added under {@code prefix} and
     * its parameter's name.
     */
    static Map<String, NDArray> named(
            String prefix, Map<String, NDArray> buffers, Map<String, NDArray> into) {
        Map<String, NDArray> state = into == null ? new LinkedHashMap<>() : into;
        buffers.forEach((name, array) -> state.put(prefix + name, array));
        return state;
    }

    /** The state to save, by name. */
    Map<String, NDArray> state();

    /** Restores a state saved by {@link #state()} and the step count. */
    default void restore(Map<String, NDArray> saved, long savedStep) {
        for (Map.Entry<String, NDArray> entry : state().entrySet()) {
            NDArray value = saved.get(entry.getKey());
            if (value == null) {
                throw new IllegalArgumentException("optimizer state has no " + entry.getKey());
            }
            Tensors.copyInto(entry.getValue(), value);
        }
        restoreStepCount(savedStep);
    }

    /** Sets the step count of a restored state. */
    void restoreStepCount(long savedStep);
}
