package io.pillsnap.trainer.nn;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import io.pillsnap.trainer.runtime.NativeDefaults;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks, before a network trains on the CPU, that libtorch computes its spatial convolutions
 * right: each distinct kind (channels, kernel, stride, groups) is run forward and backward once, on
 * a batch of 8 at 16 x 16 pixels, and sampled outputs, input gradients and weight gradients are
 * compared with a plain double-precision sum.
 *
 * <p>Why: the oneDNN inside libtorch 2.7.1 was measured computing 3 x 3 convolutions wrong on this
 * project's AVX-512 machine (AMD, under a hypervisor), with no error and no NaN: forward, when the
 * input channels pass a multiple of oneDNN's channel block (16 with AVX-512, 8 with AVX2 or AVX)
 * without reaching the next one (24 or 40 input channels with every instruction set, 12 or 20 even
 * limited to AVX), four of the nine kernel taps of the partly filled block applied as zero; and by
 * data in the backward pass, off by about 2 whenever the output channels are not a multiple of the
 * block. PyTorch 1.13's oneDNN computes the same convolutions right on the same machine. A network
 * trained so learns from wrong activations and gradients without a sign. When the check fails,
 * oneDNN is switched off for the process (libtorch's own kernels: right, and slower) and the run
 * says so; if the convolutions are still wrong, the run stops with the reason.
 *
 * <p>1 x 1 convolutions are not checked: they were right under every instruction set. Each kind is
 * checked once per process.
 */
public final class ConvolutionCheck {

    private static final Logger log = LoggerFactory.getLogger(ConvolutionCheck.class);
    private static final int BATCH = 8;
    private static final int SIZE = 16;
    private static final int SAMPLES = 256;
    private static final Set<Kind> CHECKED = ConcurrentHashMap.newKeySet();

    private ConvolutionCheck() {}

    /** One kind of convolution: what oneDNN's choice of kernel depends on, besides the sizes. */
    public record Kind(
            int inChannels, int outChannels, int kernel, int stride, int padding, int groups) {

        @Override
        public String toString() {
            return String.format(
                    Locale.ROOT,
                    "%d -> %d channels %dx%d stride %d%s",
                    inChannels,
                    outChannels,
                    kernel,
                    kernel,
                    stride,
                    groups == 1 ? "" : " groups " + groups);
        }
    }

    /** A kind computed wrong: the largest error of each result against the plain sum. */
    public record Failure(Kind kind, double forward, double inputGradient, double weightGradient) {

        @Override
        public String toString() {
            return String.format(
                    Locale.ROOT,
                    "%s (off by %.3g forward, %.3g in the input gradient, %.3g in the weight"
                            + " gradient)",
                    kind,
                    forward,
                    inputGradient,
                    weightGradient);
        }
    }

    /**
     * Checks the network's spatial convolutions not yet checked in this process, on the CPU; when
     * one is wrong, switches oneDNN off and checks again.
     *
     * @throws IllegalStateException when they are still wrong without oneDNN, or oneDNN cannot be
     *     switched off
     */
    public static void ensureRight(Block network, Device device) {
        if (!Device.Type.CPU.equals(device.getDeviceType())) {
            return;
        }
        Set<Kind> kinds = kindsOf(network);
        kinds.removeAll(CHECKED);
        if (kinds.isEmpty()) {
            return;
        }
        long started = System.nanoTime();
        List<Failure> failures = check(kinds);
        String isa = NativeDefaults.effective("ONEDNN_MAX_CPU_ISA");
        if (failures.isEmpty()) {
            log.info(
                    "libtorch's convolutions checked against plain sums: {} kinds right"
                            + " (ONEDNN_MAX_CPU_ISA={}, {} ms)",
                    kinds.size(),
                    isa,
                    (System.nanoTime() - started) / 1_000_000);
            CHECKED.addAll(kinds);
            return;
        }
        String which = describe(failures);
        if (!NativeDefaults.disableOneDnn()) {
            throw new IllegalStateException(
                    "libtorch's oneDNN computes this network's convolutions wrong on this CPU"
                            + " (ONEDNN_MAX_CPU_ISA="
                            + isa
                            + "): "
                            + which
                            + ", and it could not be switched off. Set ONEDNN_MAX_CPU_ISA lower"
                            + " (AVX2, AVX) and run again, or train on a GPU");
        }
        log.warn(
                "libtorch's oneDNN computes {} of this network's {} kinds of convolution wrong on"
                        + " this CPU (ONEDNN_MAX_CPU_ISA={}): {}. oneDNN is switched off for this"
                        + " run: libtorch's own convolutions are right and slower (about 1.7x per"
                        + " step measured). A lower ONEDNN_MAX_CPU_ISA may be right and faster;"
                        + " see docs/detection.md",
                failures.size(),
                kinds.size(),
                isa,
                which);
        List<Failure> still = check(kinds);
        if (!still.isEmpty()) {
            throw new IllegalStateException(
                    "libtorch computes this network's convolutions wrong on this CPU even without"
                            + " oneDNN: "
                            + describe(still)
                            + ". Train on another machine or a GPU");
        }
        CHECKED.addAll(kinds);
    }

    /** The distinct spatial convolutions of the network's {@link ConvBnAct} layers. */
    public static Set<Kind> kindsOf(Block network) {
        Set<Kind> kinds = new LinkedHashSet<>();
        collect(network, kinds);
        return kinds;
    }

    private static void collect(Block block, Set<Kind> kinds) {
        if (block instanceof ConvBnAct conv && conv.kernel() > 1) {
            kinds.add(
                    new Kind(
                            conv.inChannels(),
                            conv.outChannels(),
                            conv.kernel(),
                            conv.stride(),
                            conv.tfSame() ? 0 : conv.kernel() / 2,
                            conv.groups()));
        }
        for (Block child : block.getChildren().values()) {
            collect(child, kinds);
        }
    }

    /** The kinds libtorch computes wrong now. */
    public static List<Failure> check(Set<Kind> kinds) {
        List<Failure> failures = new ArrayList<>();
        for (Kind kind : kinds) {
            Failure failure = check(kind);
            if (failure != null) {
                failures.add(failure);
            }
        }
        return failures;
    }

    /** The kind's errors when libtorch computes it wrong, else null. */
    static Failure check(Kind kind) {
        Convolution conv = new Convolution(kind, BATCH, SIZE, new Random(kind.hashCode()));
        try (NDManager manager = NDManager.newBaseManager(Device.cpu());
                GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray x = manager.create(conv.x, new Shape(BATCH, kind.inChannels, SIZE, SIZE));
            NDArray w =
                    manager.create(
                            conv.w,
                            new Shape(
                                    kind.outChannels,
                                    kind.inChannels / kind.groups,
                                    kind.kernel,
                                    kind.kernel));
            NDArray g =
                    manager.create(conv.g, new Shape(BATCH, kind.outChannels, conv.out, conv.out));
            x.setRequiresGradient(true);
            w.setRequiresGradient(true);
            NDArray y =
                    Conv2d.conv2d(
                                    x,
                                    w,
                                    null,
                                    new Shape(kind.stride, kind.stride),
                                    new Shape(kind.padding, kind.padding),
                                    new Shape(1, 1),
                                    kind.groups)
                            .singletonOrThrow();
            collector.backward(y.mul(g).sum());
            return conv.compare(
                    y.toFloatArray(),
                    x.getGradient().toFloatArray(),
                    w.getGradient().toFloatArray(),
                    new Random(kind.hashCode() + 1));
        }
    }

    private static String describe(List<Failure> failures) {
        return failures.stream().limit(4).map(Failure::toString).collect(Collectors.joining("; "))
                + (failures.size() > 4 ? "; ..." : "");
    }

    /**
     * A convolution's inputs and its plain sums in double precision (NCHW, weights OIHW, zero
     * padding), sampled where they are compared.
     */
    static final class Convolution {

        final Kind kind;
        final int batch;
        final int size;
        final int out;
        final float[] x;
        final float[] w;
        final float[] g;

        Convolution(Kind kind, int batch, int size, Random random) {
            this.kind = kind;
            this.batch = batch;
            this.size = size;
            this.out = (size + 2 * kind.padding - kind.kernel) / kind.stride + 1;
            int fanIn = kind.inChannels / kind.groups * kind.kernel * kind.kernel;
            x = gaussian(random, batch * kind.inChannels * size * size, 1);
            w = gaussian(random, kind.outChannels * fanIn, 1 / Math.sqrt(fanIn));
            g = gaussian(random, batch * kind.outChannels * out * out, 1);
        }

        private static float[] gaussian(Random random, int n, double scale) {
            float[] values = new float[n];
            for (int i = 0; i < n; i++) {
                values[i] = (float) (random.nextGaussian() * scale);
            }
            return values;
        }

        /**
         * The failure when a sampled output, input gradient or weight gradient is off by more than
         * float rounding (1e-4 of the sum of its terms' magnitudes), else null.
         */
        Failure compare(float[] y, float[] dx, float[] dw, Random random) {
            double forward = 0;
            double inputGradient = 0;
            double weightGradient = 0;
            boolean wrong = false;
            for (int s = 0; s < SAMPLES; s++) {
                double[] f = output(random.nextInt(y.length));
                double[] d = inputGradient(random.nextInt(dx.length));
                double[] k = weightGradient(random.nextInt(dw.length));
                double ef = Math.abs(y[(int) f[2]] - f[0]);
                double ed = Math.abs(dx[(int) d[2]] - d[0]);
                double ek = Math.abs(dw[(int) k[2]] - k[0]);
                forward = Math.max(forward, ef);
                inputGradient = Math.max(inputGradient, ed);
                weightGradient = Math.max(weightGradient, ek);
                wrong |= !(ef <= bound(f[1])) || !(ed <= bound(d[1])) || !(ek <= bound(k[1]));
            }
            return wrong ? new Failure(kind, forward, inputGradient, weightGradient) : null;
        }

        private static double bound(double magnitude) {
            return 1e-4 * magnitude + 1e-6;
        }

        /** {sum, sum of magnitudes, index} of output element {@code index}. */
        double[] output(int index) {
            int ox = index % out;
            int oy = index / out % out;
            int o = index / (out * out) % kind.outChannels;
            int b = index / (out * out * kind.outChannels);
            int perGroup = kind.inChannels / kind.groups;
            int first = o / (kind.outChannels / kind.groups) * perGroup;
            double sum = 0;
            double magnitude = 0;
            for (int i = 0; i < perGroup; i++) {
                for (int ky = 0; ky < kind.kernel; ky++) {
                    int iy = oy * kind.stride - kind.padding + ky;
                    for (int kx = 0; kx < kind.kernel; kx++) {
                        int ix = ox * kind.stride - kind.padding + kx;
                        if (iy < 0 || ix < 0 || iy >= size || ix >= size) {
                            continue;
                        }
                        double term =
                                (double) x[xIndex(b, first + i, iy, ix)] * w[wIndex(o, i, ky, kx)];
                        sum += term;
                        magnitude += Math.abs(term);
                    }
                }
            }
            return new double[] {sum, magnitude, index};
        }

        /**
         * {sum, sum of magnitudes, index} of the loss's gradient at input element {@code index}.
         */
        double[] inputGradient(int index) {
            int ix = index % size;
            int iy = index / size % size;
            int c = index / (size * size) % kind.inChannels;
            int b = index / (size * size * kind.inChannels);
            int perGroup = kind.inChannels / kind.groups;
            int outPerGroup = kind.outChannels / kind.groups;
            int group = c / perGroup;
            double sum = 0;
            double magnitude = 0;
            for (int o = group * outPerGroup; o < (group + 1) * outPerGroup; o++) {
                for (int ky = 0; ky < kind.kernel; ky++) {
                    int sy = iy + kind.padding - ky;
                    if (sy < 0 || sy % kind.stride != 0 || sy / kind.stride >= out) {
                        continue;
                    }
                    for (int kx = 0; kx < kind.kernel; kx++) {
                        int sx = ix + kind.padding - kx;
                        if (sx < 0 || sx % kind.stride != 0 || sx / kind.stride >= out) {
                            continue;
                        }
                        double term =
                                (double) g[gIndex(b, o, sy / kind.stride, sx / kind.stride)]
                                        * w[wIndex(o, c - group * perGroup, ky, kx)];
                        sum += term;
                        magnitude += Math.abs(term);
                    }
                }
            }
            return new double[] {sum, magnitude, index};
        }

        /** {sum, sum of magnitudes, index} of the loss's gradient at weight {@code index}. */
        double[] weightGradient(int index) {
            int kx = index % kind.kernel;
            int ky = index / kind.kernel % kind.kernel;
            int perGroup = kind.inChannels / kind.groups;
            int i = index / (kind.kernel * kind.kernel) % perGroup;
            int o = index / (kind.kernel * kind.kernel * perGroup);
            int c = o / (kind.outChannels / kind.groups) * perGroup + i;
            double sum = 0;
            double magnitude = 0;
            for (int b = 0; b < batch; b++) {
                for (int oy = 0; oy < out; oy++) {
                    int iy = oy * kind.stride - kind.padding + ky;
                    if (iy < 0 || iy >= size) {
                        continue;
                    }
                    for (int ox = 0; ox < out; ox++) {
                        int ix = ox * kind.stride - kind.padding + kx;
                        if (ix < 0 || ix >= size) {
                            continue;
                        }
                        double term = (double) g[gIndex(b, o, oy, ox)] * x[xIndex(b, c, iy, ix)];
                        sum += term;
                        magnitude += Math.abs(term);
                    }
                }
            }
            return new double[] {sum, magnitude, index};
        }

        private int xIndex(int b, int c, int y, int xx) {
            return ((b * kind.inChannels + c) * size + y) * size + xx;
        }

        private int wIndex(int o, int i, int ky, int kx) {
            return ((o * (kind.inChannels / kind.groups) + i) * kind.kernel + ky) * kind.kernel
                    + kx;
        }

        private int gIndex(int b, int o, int y, int xx) {
            return ((b * kind.outChannels + o) * out + y) * out + xx;
        }
    }
}
