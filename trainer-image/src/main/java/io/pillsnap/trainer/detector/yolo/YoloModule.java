package io.pillsnap.trainer.detector.yolo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.pillsnap.trainer.classifier.net.ConvBnAct;
import java.util.Map;

/**
 * A module of the YOLO11 graph: one input, one output, children named as in the reference's state
 * dict. Subclasses say how data flows ({@link #apply}) and how shapes do ({@link #outputShape});
 * the children are initialised by running the shapes through the same flow.
 */
abstract class YoloModule extends AbstractBlock {

    /** Batch-norm numbers of the reference detector (PyTorch momentum 0.03 is DJL's 0.97). */
    static final float BN_EPSILON = 1e-3f;

    static final float BN_MOMENTUM = 0.97f;

    /**
     * Conv2d without bias, BatchNorm and SiLU (or no activation): the reference's Conv, its weight
     * initialised as PyTorch's Conv2d is by default (the reference keeps that initialisation).
     */
    static ConvBnAct conv(int in, int out, int kernel, int stride, int groups, boolean activation) {
        return new ConvBnAct(
                        in,
                        out,
                        kernel,
                        stride,
                        groups,
                        activation,
                        BN_EPSILON,
                        BN_MOMENTUM,
                        false,
                        "conv",
                        "bn")
                .initialisedAsPyTorch();
    }

    /** Depthwise when in == out: the reference's DWConv (groups = gcd(in, out)). */
    static ConvBnAct depthwise(int in, int out, int kernel) {
        return conv(in, out, kernel, 1, gcd(in, out), true);
    }

    /** The same batch and spatial size with other channels. */
    static Shape withChannels(Shape input, long channels) {
        return new Shape(input.get(0), channels, input.get(2), input.get(3));
    }

    static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    /** The forward pass, with {@code f} running a child. */
    abstract NDArray apply(NDArray x, Runner f);

    /** Output shape for an input shape. */
    abstract Shape outputShape(Shape input);

    /** Writes the forward pass as graph operations; returns the output's name. */
    abstract String export(YoloGraph g, String x, Shape input);

    /** Adds every tensor under its reference name. */
    abstract void collect(String prefix, Map<String, Parameter> names);

    /** Runs a child block: forward in a pass, shape propagation and initialisation at start. */
    interface Runner {
        NDArray run(Block child, NDArray x);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore,
            NDList inputs,
            boolean training,
            PairList<String, Object> params) {
        return new NDList(
                apply(
                        inputs.singletonOrThrow(),
                        (child, x) ->
                                child.forward(parameterStore, new NDList(x), training, params)
                                        .singletonOrThrow()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {outputShape(inputShapes[0])};
    }

    @Override
    protected void initializeChildBlocks(
            NDManager manager, DataType dataType, Shape... inputShapes) {
        // a dry run on zeros of the input shape initialises each child with what it will see
        try (NDManager scratch = manager.newSubManager()) {
            apply(
                    scratch.zeros(inputShapes[0], dataType),
                    (child, x) -> {
                        if (!child.isInitialized()) {
                            child.initialize(manager, dataType, x.getShape());
                        }
                        return forwardScratch(child, x, scratch);
                    });
        }
    }

    private static NDArray forwardScratch(Block child, NDArray x, NDManager scratch) {
        return child.forward(new ParameterStore(scratch, false), new NDList(x), false)
                .singletonOrThrow();
    }
}
