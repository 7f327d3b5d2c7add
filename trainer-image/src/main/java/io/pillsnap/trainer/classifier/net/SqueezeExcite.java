package io.pillsnap.trainer.classifier.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import java.util.Map;

/** Squeeze-and-excitation: channel weights from a global average, through a bottleneck. */
public final class SqueezeExcite extends AbstractBlock {

    private final int channels;
    private final int reduced;
    private final Parameter reduceWeight;
    private final Parameter reduceBias;
    private final Parameter expandWeight;
    private final Parameter expandBias;

    public SqueezeExcite(int channels, int reduced) {
        this.channels = channels;
        this.reduced = reduced;
        reduceWeight = addParameter(weight("reduce_weight", reduced, channels));
        reduceBias = addParameter(bias("reduce_bias", reduced));
        expandWeight = addParameter(weight("expand_weight", channels, reduced));
        expandBias = addParameter(bias("expand_bias", channels));
    }

    private static Parameter weight(String name, int out, int in) {
        return Parameter.builder()
                .setName(name)
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(out, in, 1, 1))
                .optInitializer(new NormalInitializer((float) Math.sqrt(2.0 / out)))
                .build();
    }

    private static Parameter bias(String name, int size) {
        return Parameter.builder()
                .setName(name)
                .setType(Parameter.Type.BIAS)
                .optShape(new Shape(size))
                .optInitializer(new ConstantInitializer(0f))
                .build();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore,
            NDList inputs,
            boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        var device = x.getDevice();
        NDArray scale = Layers.globalAveragePool(x, true);
        scale =
                Conv2d.conv2d(
                                scale,
                                parameterStore.getValue(reduceWeight, device, training),
                                parameterStore.getValue(reduceBias, device, training))
                        .singletonOrThrow();
        scale = Layers.silu(scale);
        scale =
                Conv2d.conv2d(
                                scale,
                                parameterStore.getValue(expandWeight, device, training),
                                parameterStore.getValue(expandBias, device, training))
                        .singletonOrThrow();
        return new NDList(x.mul(Activation.sigmoid(scale)));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }

    @Override
    protected void initializeChildBlocks(
            NDManager manager, DataType dataType, Shape... inputShapes) {
        // no children
    }

    void collect(String prefix, Map<String, Parameter> names) {
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
