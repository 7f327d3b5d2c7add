package io.pillsnap.trainer.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * SGD with Nesterov momentum as PyTorch computes it ({@code b = mu b + g + wd w}; {@code w -= lr (g
 * + wd w + mu b)}), the reference detector's optimizer for long runs. Weight decay only on weights
 * of more than one dimension (not on biases and normalisation). The momentum may change per step
 * (the reference warms it up from 0.8).
 */
public final class NesterovSgd implements TrainingOptimizer {

    private final Map<String, Parameter> parameters;
    private final float weightDecay;
    private final Map<String, NDArray> buffers = new LinkedHashMap<>();
    private float momentum;
    private long step;

    public NesterovSgd(Map<String, Parameter> parameters, float momentum, float weightDecay) {
        this.parameters = parameters;
        this.momentum = momentum;
        this.weightDecay = weightDecay;
        parameters.forEach((name, p) -> buffers.put(name, p.getArray().zerosLike()));
    }

    public void momentum(float value) {
        this.momentum = value;
    }

    @Override
    public void step(float weightRate, float biasRate, float gradientScale) {
        step++;
        for (Map.Entry<String, Parameter> entry : parameters.entrySet()) {
            float learningRate = TrainingOptimizer.isBias(entry.getKey()) ? biasRate : weightRate;
            NDArray weight = entry.getValue().getArray();
            NDArray gradient = weight.getGradient();
            NDArray g = gradient.mul(gradientScale);
            if (weightDecay > 0 && weight.getShape().dimension() > 1) {
                g.addi(weight.mul(weightDecay));
            }
            // the buffer starts at zero, so the first step makes it the gradient, as PyTorch does
            NDArray buffer = buffers.get(entry.getKey());
            buffer.muli(momentum).addi(g);
            weight.subi(g.addi(buffer.mul(momentum)).muli(learningRate));
            gradient.subi(gradient);
            g.close();
        }
    }

    @Override
    public long stepCount() {
        return step;
    }

    @Override
    public Map<String, NDArray> state() {
        return TrainingOptimizer.named("momentum.", buffers, null);
    }

    @Override
    public void restoreStepCount(long savedStep) {
        step = savedStep;
    }
}
