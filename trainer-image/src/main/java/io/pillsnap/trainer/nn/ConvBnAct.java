package io.pillsnap.trainer.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.training.initializer.UniformInitializer;
import io.pillsnap.api.artifact.ModelFlavour;
import java.util.Map;

/**
 * Convolution without bias, batch norm, and optionally SiLU: the unit both networks are built of.
 * Built by {@link #builder()}.
 */
public final class ConvBnAct extends UnaryBlock {

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

    private ConvBnAct(Builder spec) {
        this.inChannels = spec.inChannels;
        this.outChannels = spec.outChannels;
        this.kernel = spec.kernel;
        this.stride = spec.stride;
        this.groups = spec.groups;
        this.activation = spec.activation;
        this.epsilon = spec.epsilon;
        this.momentum = spec.momentum;
        // stride 1 with an odd kernel pads symmetrically under both rules
        this.tfSame = spec.tfSamePadding && (stride > 1 || kernel % 2 == 0);
        this.convName = spec.convName;
        this.bnName = spec.bnName;
        weight =
                addParameter(
                        convName + "_weight",
                        Parameter.Type.WEIGHT,
                        new Shape(outChannels, inChannels / groups, kernel, kernel),
                        spec.pyTorchInit ? pyTorchInit() : heInit());
        Shape channels = new Shape(outChannels);
        gamma = addParameter(bnName + "_weight", Parameter.Type.GAMMA, channels, constant(1f));
        beta = addParameter(bnName + "_bias", Parameter.Type.BETA, channels, constant(0f));
        runningMean =
                addFixedParameter(
                        bnName + "_running_mean",
                        Parameter.Type.RUNNING_MEAN,
                        channels,
                        constant(0f));
        runningVar =
                addFixedParameter(
                        bnName + "_running_var",
                        Parameter.Type.RUNNING_VAR,
                        channels,
                        constant(1f));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** He init on fan-out, as the reference EfficientNet implementations do. */
    private Initializer heInit() {
        double fanOut = (double) kernel * kernel * outChannels / groups;
        return new NormalInitializer((float) Math.sqrt(2.0 / fanOut));
    }

    /**
     * PyTorch's default for Conv2d (Kaiming uniform with a = sqrt(5): uniform within
     * +-1/sqrt(fan-in)), for models whose reference keeps it (YOLO).
     */
    private Initializer pyTorchInit() {
        double fanIn = (double) kernel * kernel * inChannels / groups;
        return new UniformInitializer((float) (1 / Math.sqrt(fanIn)));
    }

    private static Initializer constant(float value) {
        return new ConstantInitializer(value);
    }

    @Override
    protected NDArray apply(NDArray x, Pass pass) {
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
                                pass.value(weight, x),
                                null,
                                new Shape(stride, stride),
                                new Shape(padding, padding),
                                new Shape(1, 1),
                                groups)
                        .singletonOrThrow();
        y =
                BatchNorm.batchNorm(
                                y,
                                pass.value(runningMean, y),
                                pass.value(runningVar, y),
                                pass.value(gamma, y),
                                pass.value(beta, y),
                                1,
                                momentum,
                                epsilon,
                                pass.training())
                        .singletonOrThrow();
        return activation ? Layers.silu(y) : y;
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
    public Shape outputShape(Shape in) {
        if (tfSame) {
            return new Shape(
                    in.get(0),
                    outChannels,
                    (in.get(2) + stride - 1) / stride,
                    (in.get(3) + stride - 1) / stride);
        }
        int padding = kernel / 2;
        long height = (in.get(2) + 2L * padding - kernel) / stride + 1;
        long width = (in.get(3) + 2L * padding - kernel) / stride + 1;
        return new Shape(in.get(0), outChannels, height, width);
    }

    @Override
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

    /**
     * The settings of a {@link ConvBnAct}, by name. Unset, a unit is a 1x1 convolution of stride 1
     * with SiLU, PyTorch's batch-norm numbers, symmetric padding, He init, named conv and bn.
     */
    public static final class Builder {

        private int inChannels;
        private int outChannels;
        private int kernel = 1;
        private int stride = 1;
        private int groups = 1;
        private boolean activation = true;
        private float epsilon = 1e-5f;
        // PyTorch's default 0.1; DJL counts momentum as the share of the running statistics kept
        private float momentum = 0.9f;
        private boolean tfSamePadding;
        private String convName = "conv";
        private String bnName = "bn";
        private boolean pyTorchInit;

        private Builder() {}

        public Builder channels(int in, int out) {
            this.inChannels = in;
            this.outChannels = out;
            return this;
        }

        public Builder kernel(int kernel) {
            this.kernel = kernel;
            return this;
        }

        public Builder stride(int stride) {
            this.stride = stride;
            return this;
        }

        /** Grouped convolution; {@code groups} = channels is depthwise. */
        public Builder groups(int groups) {
            this.groups = groups;
            return this;
        }

        /** Whether SiLU follows the batch norm (not in a linear projection). */
        public Builder activation(boolean activation) {
            this.activation = activation;
            return this;
        }

        /** The batch-norm epsilon and padding rule the weights were trained with. */
        public Builder flavour(ModelFlavour flavour) {
            this.epsilon = (float) flavour.batchNormEpsilon();
            this.tfSamePadding = flavour.tfSamePadding();
            return this;
        }

        /**
         * @param momentum DJL's batch-norm momentum: the share of the running statistics kept
         *     (PyTorch 0.03 is 0.97 here)
         */
        public Builder batchNorm(float epsilon, float momentum) {
            this.epsilon = epsilon;
            this.momentum = momentum;
            return this;
        }

        /** The reference implementation's names, e.g. conv_pw and bn1. */
        public Builder names(String convName, String bnName) {
            this.convName = convName;
            this.bnName = bnName;
            return this;
        }

        /**
         * Initialises the convolution weight as PyTorch's Conv2d does by default instead of He init
         * on fan-out, for models whose reference keeps PyTorch's default (YOLO).
         */
        public Builder initialisedAsPyTorch() {
            this.pyTorchInit = true;
            return this;
        }

        public ConvBnAct build() {
            if (inChannels <= 0 || outChannels <= 0) {
                throw new IllegalStateException(
                        "a ConvBnAct needs channels(in, out), not "
                                + inChannels
                                + ", "
                                + outChannels);
            }
            return new ConvBnAct(this);
        }
    }
}
