package io.pillsnap.trainer.detector.yolo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import io.pillsnap.trainer.nn.ConvBnAct;
import io.pillsnap.trainer.nn.UnaryBlock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A module of the YOLO11 graph: one input, one output, children named as in the reference's state
 * dict. Subclasses say how data flows ({@link #apply}) and how shapes do ({@link #outputShape});
 * the children are initialised by running the shapes through the same flow.
 */
abstract class YoloModule extends UnaryBlock {

    /** Batch-norm numbers of the reference detector (PyTorch momentum 0.03 is DJL's 0.97). */
    static final float BN_EPSILON = 1e-3f;

    static final float BN_MOMENTUM = 0.97f;

    /** Children by their path in the reference's state dict ({@code m.0}), in its order. */
    private final Map<String, UnaryBlock> named = new LinkedHashMap<>();

    /**
     * Conv2d without bias, BatchNorm and SiLU (or no activation): the reference's Conv, its weight
     * initialised as PyTorch's Conv2d is by default (the reference keeps that initialisation).
     */
    static ConvBnAct conv(int in, int out, int kernel, int stride, int groups, boolean activation) {
        return ConvBnAct.builder()
                .channels(in, out)
                .kernel(kernel)
                .stride(stride)
                .groups(groups)
                .activation(activation)
                .batchNorm(BN_EPSILON, BN_MOMENTUM)
                .initialisedAsPyTorch()
                .build();
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

    /**
     * Adds a child that {@link #collect} names by its state-dict path ({@code m.0}); its DJL name
     * is the path without dots ({@code m0}).
     */
    <B extends UnaryBlock> B addNamedChild(String path, B child) {
        named.put(path, child);
        return addChildBlock(path.replace(".", ""), child);
    }

    /** Writes the forward pass as graph operations; returns the output's name. */
    abstract String export(YoloGraph g, String x, Shape input);

    /** The named children's tensors, each child under its path. */
    @Override
    public void collect(String prefix, Map<String, Parameter> names) {
        named.forEach((path, child) -> child.collect(prefix + path + ".", names));
    }

    @Override
    protected void initializeChildBlocks(
            NDManager manager, DataType dataType, Shape... inputShapes) {
        if (getChildren().isEmpty()) {
            return;
        }
        // a dry run on zeros of the input shape initialises each child with what it will see
        try (NDManager scratch = manager.newSubManager()) {
            Pass dryRun =
                    new Pass(new ParameterStore(scratch, false), false, null) {
                        @Override
                        public NDArray run(Block child, NDArray x) {
                            if (!child.isInitialized()) {
                                child.initialize(manager, dataType, x.getShape());
                            }
                            return super.run(child, x);
                        }
                    };
            apply(scratch.zeros(inputShapes[0], dataType), dryRun);
        }
    }
}
