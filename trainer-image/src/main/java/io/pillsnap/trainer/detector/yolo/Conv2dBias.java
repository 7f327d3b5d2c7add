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
                        Parameter.builder()
                                .setName("weight")
                                .setType(Parameter.Type.WEIGHT)
                                .optShape(new Shape(out, in, 1, 1))
                                .optInitializer(new UniformInitializer(bound))
                                .build());
        this.bias =
                addParameter(
                        Parameter.builder()
                                .setName("bias")
                                .setType(Parameter.Type.BIAS)
                                .optShape(new Shape(out))
                                .optInitializer(new ConstantInitializer(initialBias))
                                .build());
    }

    @Override
    NDArray apply(NDArray x, Runner f) {
        throw new IllegalStateException("forwardInternal runs this block");
    }

    @Override
    protected ai.djl.ndarray.NDList forwardInternal(
            ai.djl.training.ParameterStore parameterStore,
            ai.djl.ndarray.NDList inputs,
            boolean training,
            ai.djl.util.PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        return Conv2d.conv2d(
                x,
                parameterStore.getValue(weight, x.getDevice(), training),
                parameterStore.getValue(bias, x.getDevice(), training));
    }

    @Override
    protected void initializeChildBlocks(
            ai.djl.ndarray.NDManager manager,
            ai.djl.ndarray.types.DataType dataType,
            Shape... inputShapes) {
        // no children
    }

    @Override
    String export(YoloGraph g, String x, Shape input) {
        return g.convWithBias(weight, bias, x);
    }

    @Override
    Shape outputShape(Shape input) {
        return withChannels(input, out);
    }

    @Override
    void collect(String prefix, Map<String, Parameter> names) {
        names.put(prefix + "weight", weight);
        names.put(prefix + "bias", bias);
    }
}
