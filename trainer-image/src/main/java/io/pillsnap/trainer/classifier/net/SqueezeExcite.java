package io.pillsnap.trainer.classifier.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.training.initializer.NormalInitializer;
import io.pillsnap.trainer.nn.Layers;
import io.pillsnap.trainer.nn.UnaryBlock;
import java.util.Map;

/** Squeeze-and-excitation: channel weights from a global average, through a bottleneck. */
public final class SqueezeExcite extends UnaryBlock {

    private final int channels;
    private final int reduced;
    private final Parameter reduceWeight;
    private final Parameter reduceBias;
    private final Parameter expandWeight;
    private final Parameter expandBias;

    public SqueezeExcite(int channels, int reduced) {
        this.channels = channels;
        this.reduced = reduced;
        reduceWeight = weight("reduce_weight", reduced, channels);
        reduceBias = bias("reduce_bias", reduced);
        expandWeight = weight("expand_weight", channels, reduced);
        expandBias = bias("expand_bias", channels);
    }

    private Parameter weight(String name, int out, int in) {
        return addParameter(
                name,
                Parameter.Type.WEIGHT,
                new Shape(out, in, 1, 1),
                new NormalInitializer((float) Math.sqrt(2.0 / out)));
    }

    private Parameter bias(String name, int size) {
        return addParameter(
                name, Parameter.Type.BIAS, new Shape(size), new ConstantInitializer(0f));
    }

    @Override
    protected NDArray apply(NDArray x, Pass pass) {
        NDArray scale = Layers.globalAveragePool(x, true);
        scale = Layers.silu(conv1x1(scale, reduceWeight, reduceBias, pass));
        scale = conv1x1(scale, expandWeight, expandBias, pass);
        return x.mul(Activation.sigmoid(scale));
    }

    private static NDArray conv1x1(NDArray x, Parameter weight, Parameter bias, Pass pass) {
        return Conv2d.conv2d(x, pass.value(weight, x), pass.value(bias, x)).singletonOrThrow();
    }

    @Override
    public Shape outputShape(Shape input) {
        return input;
    }

    @Override
    public void collect(String prefix, Map<String, Parameter> names) {
        names.put(prefix + "conv_reduce.weight", reduceWeight);
        names.put(prefix + "conv_reduce.bias", reduceBias);
        names.put(prefix + "conv_expand.weight", expandWeight);
        names.put(prefix + "conv_expand.bias", expandBias);
    }

    public int channels() {
        return channels;
    }

    public int reduced() {
        return reduced;
    }

    public Parameter reduceWeight() {
        return reduceWeight;
    }

    public Parameter reduceBias() {
        return reduceBias;
    }

    public Parameter expandWeight() {
        return expandWeight;
    }

    public Parameter expandBias() {
        return expandBias;
    }
}
