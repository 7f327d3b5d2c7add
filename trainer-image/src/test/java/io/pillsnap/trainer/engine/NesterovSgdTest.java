package io.pillsnap.trainer.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import io.pillsnap.trainer.runtime.NativeDefaults;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SGD with Nesterov momentum computes what torch.optim.SGD(nesterov=True) computes. */
class NesterovSgdTest {

    static {
        NativeDefaults.loadLibtorch();
    }

    @Test
    void twoStepsOnAConstantGradientFollowPyTorchsFormula() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, Parameter> parameters = new LinkedHashMap<>();
            parameters.put("w", parameter(manager, "w", new float[] {1f}, new Shape(1)));
            parameters.put(
                    "conv.weight",
                    parameter(manager, "conv.weight", new float[] {1f, 1f}, new Shape(1, 2)));
            NesterovSgd sgd = new NesterovSgd(parameters, 0.9f, 0.1f);

            // loss = 0.5 * sum(w) + 0.5 * sum(conv.weight): every gradient is 0.5
            for (int step = 0; step < 2; step++) {
                backward(parameters);
                sgd.step(0.1f, 1f);
            }

            // 1-D w, no decay: b1 = 0.5, w1 = 1 - 0.1 (0.5 + 0.9 * 0.5) = 0.905;
            // b2 = 0.9 * 0.5 + 0.5 = 0.95, w2 = 0.905 - 0.1 (0.5 + 0.9 * 0.95) = 0.7695
            assertThat(parameters.get("w").getArray().getFloat(0))
                    .isCloseTo(0.7695f, within(1e-6f));
            // 2-D weight, decay 0.1: g1 = 0.5 + 0.1 = 0.6, b1 = 0.6, w1 = 1 - 0.1 (0.6 + 0.54) =
            // 0.886; g2 = 0.5 + 0.0886 = 0.5886, b2 = 0.54 + 0.5886 = 1.1286,
            // w2 = 0.886 - 0.1 (0.5886 + 1.01574) = 0.725566
            assertThat(parameters.get("conv.weight").getArray().getFloat(0, 1))
                    .isCloseTo(0.725566f, within(1e-6f));
            assertThat(sgd.stepCount()).isEqualTo(2);
        }
    }

    private static Parameter parameter(
            NDManager manager, String name, float[] values, Shape shape) {
        Parameter parameter =
                Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).build();
        NDArray array = manager.create(values, shape);
        array.setRequiresGradient(true);
        parameter.setArray(array);
        return parameter;
    }

    private static void backward(Map<String, Parameter> parameters) {
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray loss = null;
            for (Parameter parameter : parameters.values()) {
                NDArray term = parameter.getArray().sum().mul(0.5f);
                loss = loss == null ? term : loss.add(term);
            }
            collector.backward(loss);
        }
    }
}
