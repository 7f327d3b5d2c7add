package io.pillsnap.trainer.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Parameter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter), whose moments are ours to save and
 * restore so that a resumed run continues exactly. The update itself is libtorch's fused Adam
 * kernel (DJL's adamUpdate), which also clears the gradient. Biases and normalisation parameters
 * (1-D) get no weight decay, as in the reference training recipes.
 */
public final class AdamW implements TrainingOptimizer {

    private static final float BETA1 = 0.9f;
    private static final float BETA2 = 0.999f;
    private static final float EPSILON = 1e-8f;

    private final Map<String, Parameter> parameters;
    private final float weightDecay;
    private final Map<String, NDArray> means = new LinkedHashMap<>();
    private final Map<String, NDArray> variances = new LinkedHashMap<>();
    private long step;

    /**
     * @param parameters trainable parameters by name
     */
    public AdamW(Map<String, Parameter> parameters, float weightDecay) {
        this.parameters = parameters;
        this.weightDecay = weightDecay;
        for (Map.Entry<String, Parameter> entry : parameters.entrySet()) {
            NDArray weight = entry.getValue().getArray();
            means.put(entry.getKey(), weight.zerosLike());
            variances.put(entry.getKey(), weight.zerosLike());
        }
    }

    @Override
    public void step(float weightRate, float biasRate, float gradientScale) {
        step++;
        double correction1 = 1 - Math.pow(BETA1, step);
        double correction2 = 1 - Math.pow(BETA2, step);
        for (Map.Entry<String, Parameter> entry : parameters.entrySet()) {
            float learningRate = TrainingOptimizer.isBias(entry.getKey()) ? biasRate : weightRate;
            float biasCorrected = (float) (learningRate * Math.sqrt(correction2) / correction1);
            NDArray weight = entry.getValue().getArray();
            float decay = weight.getShape().dimension() > 1 ? weightDecay : 0f;
            weight.getNDArrayInternal()
                    .adamUpdate(
                            new NDList(
                                    weight,
                                    weight.getGradient(),
                                    means.get(entry.getKey()),
                                    variances.get(entry.getKey())),
                            new NDList(weight),
                            learningRate,
                            biasCorrected,
                            decay,
                            gradientScale,
                            -1f,
                            BETA1,
                            BETA2,
                            EPSILON,
                            true,
                            true);
        }
    }

    @Override
    public long stepCount() {
        return step;
    }

    /** Moments to save: m.name and v.name for every parameter. */
    @Override
    public Map<String, NDArray> state() {
        return TrainingOptimizer.named("v.", variances, TrainingOptimizer.named("m.", means, null));
    }

    @Override
    public void restoreStepCount(long savedStep) {
        step = savedStep;
    }

    public List<String> names() {
        return List.copyOf(parameters.keySet());
    }
}
