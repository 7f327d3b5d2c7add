package io.pillsnap.trainer.classifier.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.training.initializer.UniformInitializer;
import ai.djl.util.PairList;
import io.pillsnap.api.artifact.ModelFlavour;
import java.util.Map;

/** Convolution without bias, batch norm, and optionally SiLU: the unit every block is built of. */
public final class ConvBnAct extends AbstractBlock {

    /** Batch-norm momentum of PyTorch's default 0.1 (DJL counts momentum as 1 - m). */
    private static final float BN_MOMENTUM = 0.9f;

    private final int inChannels;
    private final int outChannels;
    private final int kernel;
    private final int stride;
    private final int groups;
    private final boolean activation;
    private final float epsilon;
    private final float momentum;
    private final boolean tfSame;
    private final String convName;
    private final String bnName;
    private final Parameter weight;
    private final Parameter gamma;
    private final Parameter beta;
    private final Parameter runningMean;
    private final Parameter runningVar;

    /**
     * @param flavour batch-norm epsilon and padding rule of the weights
     * @param convName, bnName the reference implementation's names, e.g. conv_pw and bn1
     */
    public ConvBnAct(
            int inChannels,
            int outChannels,
            int kernel,
            int stride,
            int groups,
            boolean activation,
            ModelFlavour flavour,
            String convName,
            String bnName) {
        this(
                inChannels,
                outChannels,
                kernel,
                stride,
                groups,
                activation,
                (float) flavour.batchNormEpsilon(),
                BN_MOMENTUM,
                flavour.tfSamePadding(),
                convName,
                bnName);
    }

    /**
     * @param momentum DJL's batch-norm momentum: the share of the running statistics kept (PyTorch
     *     0.03 is 0.97 here)
     */
    public ConvBnAct(
            int inChannels,
            int outChannels,
            int kernel,
            int stride,
            int groups,
            boolean activation,
            float epsilon,
            float momentum,
            boolean tfSamePadding,
            String convName,
            String bnName) {
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernel = kernel;
        this.stride = stride;
        this.groups = groups;
        this.activation = activation;
        this.epsilon = epsilon;
        this.momentum = momentum;
        // stride 1 with an odd kernel pads symmetrically under both rules
        this.tfSame = tfSamePadding && (stride > 1 || kernel % 2 == 0);
        this.convName = convName;
        this.bnName = bnName;
        // He init on fan-out, as the reference EfficientNet implementations do
        double fanOut = (double) kernel * kernel * outChannels / groups;
        weight =
                addParameter(
                        Parameter.builder()
                                .setName(convName + "_weight")
                                .setType(Parameter.Type.WEIGHT)
                                .optShape(
                                        new Shape(outChannels, inChannels / groups, kernel, kernel))
                                .optInitializer(
                                        new NormalInitializer((float) Math.sqrt(2.0 / fanOut)))
                                .build());
        gamma = addParameter(bnParameter("weight", Parameter.Type.GAMMA, 1f, true));
        beta = addParameter(bnParameter("bias", Parameter.Type.BETA, 0f, true));
        runningMean =
                addParameter(bnParameter("running_mean", Parameter.Type.RUNNING_MEAN, 0f, false));
        runningVar =
                addParameter(bnParameter("running_var", Parameter.Type.RUNNING_VAR, 1f, false));
    }

    /**
     * Initialises the convolution weight as PyTorch's Conv2d does by default (Kaiming uniform with
     * a = sqrt(5): uniform within +-1/sqrt(fan-in)) instead of He init on fan-out, for models whose
     * reference keeps PyTorch's default (YOLO).
     */
    public ConvBnAct initialisedAsPyTorch() {
        double fanIn = (double) kernel * kernel * inChannels / groups;
        weight.setInitializer(new UniformInitializer((float) (1 / Math.sqrt(fanIn))));
        return this;
    }

    private Parameter bnParameter(
            String name, Parameter.Type type, float value, boolean trainable) {
        return Parameter.builder()
                .setName(bnName + "_" + name)
                .setType(type)
                .optShape(new Shape(outChannels))
                .optInitializer(new ConstantInitializer(value))
                .optRequiresGrad(trainable)
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
        int padding = kernel / 2;
        if (tfSame) {
            long[] height = samePadding(x.getShape().get(2));
            long[] width = samePadding(x.getShape().get(3));
            // F.pad order: last axis first
            x = x.pad(new Shape(width[0], width[1], height[0], height[1]), 0);
            padding = 0;
        }
        NDArray y =
                Conv2d.conv2d(
                                x,
                                parameterStore.getValue(weight, device, training),
                                null,
                                new Shape(stride, stride),
                                new Shape(padding, padding),
                                new Shape(1, 1),
                                groups)
                        .singletonOrThrow();
        y =
                BatchNorm.batchNorm(
                                y,
                                parameterStore.getValue(runningMean, device, training),
                                parameterStore.getValue(runningVar, device, training),
                                parameterStore.getValue(gamma, device, training),
                                parameterStore.getValue(beta, device, training),
                                1,
                                momentum,
                                epsilon,
                                training)
                        .singletonOrThrow();
        return new NDList(activation ? Layers.silu(y) : y);
    }

    /**
     * TensorFlow's "same" padding of one axis: the output is ceil(size / stride) and the odd pixel
     * of padding goes to the end (what ONNX calls SAME_UPPER).
     */
    long[] samePadding(long size) {
        long out = (size + stride - 1) / stride;
        long total = Math.max((out - 1) * stride + kernel - size, 0);
        return new long[] {total / 2, total - total / 2};
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        if (tfSame) {
            return new Shape[] {
                new Shape(
                        in.get(0),
                        outChannels,
                        (in.get(2) + stride - 1) / stride,
                        (in.get(3) + stride - 1) / stride)
            };
        }
        int padding = kernel / 2;
        long height = (in.get(2) + 2L * padding - kernel) / stride + 1;
        long width = (in.get(3) + 2L * padding - kernel) / stride + 1;
        return new Shape[] {new Shape(in.get(0), outChannels, height, width)};
    }

    @Override
    protected void initializeChildBlocks(
            NDManager manager, DataType dataType, Shape... inputShapes) {
        // no children
    }

    public void collect(String prefix, Map<String, Parameter> names) {
        names.put(prefix + convName + ".weight", weight);
        names.put(prefix + bnName + ".weight", gamma);
        names.put(prefix + bnName + ".bias", beta);
        names.put(prefix + bnName + ".running_mean", runningMean);
        names.put(prefix + bnName + ".running_var", runningVar);
    }

    public int inChannels() {
        return inChannels;
    }

    public int outChannels() {
        return outChannels;
    }

    public int kernel() {
        return kernel;
    }

    public int stride() {
        return stride;
    }

    public int groups() {
        return groups;
    }

    public boolean activation() {
        return activation;
    }

    public float epsilon() {
        return epsilon;
    }

    /** Whether this convolution pads the TensorFlow way (differently per input size). */
    public boolean tfSame() {
        return tfSame;
    }

    public Parameter weight() {
        return weight;
    }

    public Parameter gamma() {
        return gamma;
    }

    public Parameter beta() {
        return beta;
    }

    public Parameter runningMean() {
        return runningMean;
    }

    public Parameter runningVar() {
        return runningVar;
    }
}
