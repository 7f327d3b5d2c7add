package io.pillsnap.trainer.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import io.pillsnap.trainer.runtime.Tensors;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Exponential moving average of the weights (and batch-norm statistics), used for evaluation and
 * export when enabled: smoother than the last weights, often a little more accurate.
 */
public final class WeightAverage {

    private final Map<String, Parameter> parameters;
    private final float decay;
    private final Map<String, NDArray> shadow = new LinkedHashMap<>();

    public WeightAverage(Map<String, Parameter> parameters, float decay) {
        this.parameters = parameters;
        this.decay = decay;
        parameters.forEach((name, p) -> shadow.put(name, p.getArray().duplicate()));
    }

    public void update() {
        update(decay);
    }

    /** One update with another decay (the detector ramps its decay up over the first steps). */
    public void update(float decay) {
        for (Map.Entry<String, Parameter> entry : parameters.entrySet()) {
            NDArray weight = entry.getValue().getArray();
            NDArray average = shadow.get(entry.getKey());
            try (NDArray share = weight.mul(1 - decay)) {
                average.muli(decay).addi(share);
            }
        }
    }

    /**
     * Runs {@code action} with the averaged weights in place of the trained ones. The values are
     * copied into the tensors' own memory: set(float[]) would hand libtorch Java buffers that the
     * garbage collector frees while a tensor may still point at them.
     */
    public <T> T withAverage(java.util.function.Supplier<T> action) {
        Map<String, NDArray> trained = new LinkedHashMap<>();
        try {
            parameters.forEach(
                    (name, p) -> {
                        trained.put(name, p.getArray().duplicate());
                        Tensors.copyInto(p.getArray(), shadow.get(name));
                    });
            return action.get();
        } finally {
            parameters.forEach(
                    (name, p) -> {
                        NDArray saved = trained.get(name);
                        if (saved != null) {
                            Tensors.copyInto(p.getArray(), saved);
                            saved.close();
                        }
                    });
        }
    }

    public Map<String, NDArray> state() {
        Map<String, NDArray> state = new LinkedHashMap<>();
        shadow.forEach((name, array) -> state.put("ema." + name, array));
        return state;
    }

    public void restore(Map<String, NDArray> saved) {
        shadow.forEach(
                (name, array) -> {
                    NDArray value = saved.get("ema." + name);
                    if (value != null) {
                        Tensors.copyInto(array, value);
                    }
                });
    }
}
