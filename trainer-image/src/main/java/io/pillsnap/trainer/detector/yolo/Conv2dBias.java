package io.pillsnap.trainer.detector.yolo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.training.initializer.UniformInitializer;
import java.util.Map;

/** A 1x1 convolution with bias and no normalisation: the last layer of each head branch. */
final class Conv2dBias extends YoloModule {

    private final Parameter weight;
    private final Parameter bias;
    private final int out;

    /**
     * @param initialBias the reference's bias_init value for this branch
     */
    Conv2dBias(int in, int out, float initialBias) {
        this.out = out;
        float bound = (float) (1 / Math.sqrt(in));
        this.weight =
                addParameter(
                        "weight",
                        Parameter.Type.WEIGHT,
                        new Shape(out, in, 1, 1),
                        new UniformInitializer(bound));
        this.bias =
                addParameter(
                        "bias",
                        Parameter.Type.BIAS,
                        new Shape(out),
                        new ConstantInitializer(initialBias));
    }

    @Override
    protected NDArray apply(NDArray x, Pass f) {
        return Conv2d.conv2d(x, f.value(weight, x), f.value(bias, x)).singletonOrThrow();
    }

    @Override
    String export(YoloGraph g, String x, Shape input) {
        return g.convWithBias(weight, bias, x);
    }

    @Override
    public Shape outputShape(Shape input) {
        return withChannels(input, out);
    }

    @Override
    public void collect(String prefix, Map<String, Parameter> names) {
        names.put(prefix + "weight", weight);
        names.put(prefix + "bias", bias);
    }
}
