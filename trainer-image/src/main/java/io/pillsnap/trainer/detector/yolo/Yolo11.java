package io.pillsnap.trainer.detector.yolo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import io.pillsnap.trainer.nn.ConvBnAct;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * YOLO11 (Ultralytics, 2024) built from its table: backbone of strided convolutions and C3k2
 * blocks, SPPF and C2PSA attention; a PAN neck (upsample, concatenate, C3k2; then strided
 * convolutions back down); an anchor-free head at strides 8, 16 and 32 with 16-bin distance
 * distributions per box side. Input: NCHW RGB in [0, 1], a side divisible by 32. Output: the raw
 * head, [batch, 64 + classes, anchors] (box-bin logits side-major, then class logits; anchors level
 * by level, row by row), decoded by one shared component for the trained and the exported model.
 * {@link #namedParameters()} names every tensor as the reference's state dict does.
 */
public final class Yolo11 extends YoloModule {

    public static final int[] STRIDES = {8, 16, 32};

    private final Yolo11Config config;
    private final int classes;
    private final List<YoloModule> layers = new ArrayList<>();
    private final List<DetectBranch> head = new ArrayList<>();
    private final Parameter dfl;

    public Yolo11(Yolo11Config config, int classes) {
        this.config = config;
        this.classes = classes;
        int c0 = config.channels(64);
        int c1 = config.channels(128);
        int c2 = config.channels(256);
        int c3 = config.channels(256);
        int c4 = config.channels(512);
        int c5 = config.channels(512);
        int c6 = config.channels(512);
        int c7 = config.channels(1024);
        int c8 = config.channels(1024);
        int c9 = config.channels(1024);
        int c13 = config.channels(512);
        int c16 = config.channels(256);
        int c17 = config.channels(256);
        int c19 = config.channels(512);
        int c20 = config.channels(512);
        int c22 = config.channels(1024);
        int r = config.repeats(2);
        boolean all = config.c3kEverywhere();
        add(new Wrapped(conv(3, c0, 3, 2, 1, true))); // 0
        add(new Wrapped(conv(c0, c1, 3, 2, 1, true))); // 1
        add(new C3k2(c1, c2, r, all, 0.25)); // 2
        add(new Wrapped(conv(c2, c3, 3, 2, 1, true))); // 3
        add(new C3k2(c3, c4, r, all, 0.25)); // 4
        add(new Wrapped(conv(c4, c5, 3, 2, 1, true))); // 5
        add(new C3k2(c5, c6, r, true, 0.5)); // 6
        add(new Wrapped(conv(c6, c7, 3, 2, 1, true))); // 7
        add(new C3k2(c7, c8, r, true, 0.5)); // 8
        add(new Sppf(c8, c9, 5)); // 9
        add(new C2Psa(c9, r)); // 10
        layers.add(null); // 11 upsample
        layers.add(null); // 12 concat 11, 6
        add(new C3k2(c9 + c6, c13, r, all, 0.5)); // 13
        layers.add(null); // 14 upsample
        layers.add(null); // 15 concat 14, 4
        add(new C3k2(c13 + c4, c16, r, all, 0.5)); // 16: P3
        add(new Wrapped(conv(c16, c17, 3, 2, 1, true))); // 17
        layers.add(null); // 18 concat 17, 13
        add(new C3k2(c17 + c13, c19, r, all, 0.5)); // 19: P4
        add(new Wrapped(conv(c19, c20, 3, 2, 1, true))); // 20
        layers.add(null); // 21 concat 20, 10
        add(new C3k2(c20 + c9, c22, r, true, 0.5)); // 22: P5
        int[] levels = {c16, c19, c22};
        int boxChannels = Math.max(Math.max(16, levels[0] / 4), 4 * DetectBranch.REG_MAX);
        int classChannels = Math.max(levels[0], Math.min(classes, 100));
        for (int i = 0; i < levels.length; i++) {
            head.add(
                    addChildBlock(
                            "head" + i,
                            new DetectBranch(
                                    levels[i], boxChannels, classChannels, classes, STRIDES[i])));
        }
        // the distribution-to-distance weights 0..15: fixed, in the state dict as the reference's
        this.dfl =
                addFixedParameter(
                        "dfl",
                        Parameter.Type.WEIGHT,
                        new Shape(1, DetectBranch.REG_MAX, 1, 1),
                        (manager, shape, dataType) ->
                                manager.arange(0f, DetectBranch.REG_MAX)
                                        .reshape(shape)
                                        .toType(dataType, false));
    }

    private void add(YoloModule module) {
        layers.add(addChildBlock("layer" + layers.size(), module));
    }

    @Override
    protected NDArray apply(NDArray x, Pass f) {
        NDArray[] out = new NDArray[23];
        NDArray y = x;
        for (int i = 0; i <= 22; i++) {
            y =
                    switch (i) {
                        case 11, 14 -> upsample(y);
                        case 12 -> concat(y, out[6]);
                        case 15 -> concat(y, out[4]);
                        case 18 -> concat(y, out[13]);
                        case 21 -> concat(y, out[10]);
                        default -> f.run(layers.get(i), y);
                    };
            out[i] = y;
        }
        NDArray[] levels = {out[16], out[19], out[22]};
        NDList flat = new NDList();
        for (int i = 0; i < levels.length; i++) {
            NDArray map = f.run(head.get(i), levels[i]);
            Shape s = map.getShape();
            flat.add(map.reshape(s.get(0), s.get(1), s.get(2) * s.get(3)));
        }
        return NDArrays.concat(flat, 2);
    }

    /** The whole forward pass as graph operations, for an input of {@code size} pixels. */
    public String export(YoloGraph g, String x, int size) {
        return export(g, x, new Shape(1, 3, size, size));
    }

    @Override
    String export(YoloGraph g, String x, Shape input) {
        String[] out = new String[23];
        Shape[] shapes = new Shape[23];
        String y = x;
        Shape shape = input;
        for (int i = 0; i <= 22; i++) {
            switch (i) {
                case 11, 14 -> {
                    y = g.upsample(y);
                    shape =
                            new Shape(
                                    shape.get(0), shape.get(1), shape.get(2) * 2, shape.get(3) * 2);
                }
                case 12, 15, 18, 21 -> {
                    int other = i == 12 ? 6 : i == 15 ? 4 : i == 18 ? 13 : 10;
                    y = g.concat(1, y, out[other]);
                    shape =
                            new Shape(
                                    shape.get(0),
                                    shape.get(1) + shapes[other].get(1),
                                    shape.get(2),
                                    shape.get(3));
                }
                default -> {
                    y = layers.get(i).export(g, y, shape);
                    shape = layers.get(i).outputShape(shape);
                }
            }
            out[i] = y;
            shapes[i] = shape;
        }
        int[] levels = {16, 19, 22};
        String[] flat = new String[levels.length];
        for (int i = 0; i < levels.length; i++) {
            Shape level = shapes[levels[i]];
            String map = head.get(i).export(g, out[levels[i]], level);
            flat[i] =
                    g.reshape(
                            map,
                            0,
                            4L * DetectBranch.REG_MAX + classes,
                            level.get(2) * level.get(3));
        }
        return g.concat(2, flat);
    }

    /**
     * Nearest-neighbour upsampling by 2 as a reshape and a broadcast: the same values as repeating
     * each pixel, but its backward pass is a plain sum, which is deterministic on CUDA (repeat's
     * scatter of gradients is not).
     */
    static NDArray upsample(NDArray x) {
        Shape s = x.getShape();
        long n = s.get(0);
        long c = s.get(1);
        long h = s.get(2);
        long w = s.get(3);
        return x.reshape(n, c, h, 1, w, 1)
                .broadcast(new Shape(n, c, h, 2, w, 2))
                .reshape(n, c, 2 * h, 2 * w);
    }

    private static NDArray concat(NDArray a, NDArray b) {
        return NDArrays.concat(new NDList(a, b), 1);
    }

    @Override
    public Shape outputShape(Shape input) {
        long anchors = 0;
        for (int stride : STRIDES) {
            anchors += (input.get(2) / stride) * (input.get(3) / stride);
        }
        return new Shape(input.get(0), 4L * DetectBranch.REG_MAX + classes, anchors);
    }

    /** Every tensor under the reference's state-dict name ({@code model.<layer>...}), in order. */
    @Override
    public void collect(String prefix, Map<String, Parameter> names) {
        for (int i = 0; i < layers.size(); i++) {
            if (layers.get(i) != null) {
                layers.get(i).collect(prefix + "model." + i + ".", names);
            }
        }
        for (int i = 0; i < head.size(); i++) {
            head.get(i).collectBox(prefix + "model.23.", i, names);
        }
        for (int i = 0; i < head.size(); i++) {
            head.get(i).collectClass(prefix + "model.23.", i, names);
        }
        names.put(prefix + "model.23.dfl.conv.weight", dfl);
    }

    /** Parameters as the reference counts them: weights, biases, batch-norm scales and the DFL. */
    public long parameterCount() {
        return namedParameters().entrySet().stream()
                .filter(e -> !e.getKey().endsWith("running_mean"))
                .filter(e -> !e.getKey().endsWith("running_var"))
                .mapToLong(e -> e.getValue().getShape().size())
                .sum();
    }

    public Yolo11Config config() {
        return config;
    }

    public int classes() {
        return classes;
    }

    /**
     * A plain convolution layer of the table, named as the reference's Conv module: the unit's
     * tensors straight under the layer's prefix.
     */
    private static final class Wrapped extends YoloModule {
        private final ConvBnAct conv;

        Wrapped(ConvBnAct conv) {
            this.conv = addChildBlock("conv", conv);
        }

        @Override
        protected NDArray apply(NDArray x, Pass f) {
            return f.run(conv, x);
        }

        @Override
        String export(YoloGraph g, String x, Shape input) {
            return g.conv(conv, x);
        }

        @Override
        public Shape outputShape(Shape input) {
            return conv.outputShape(input);
        }

        @Override
        public void collect(String prefix, Map<String, Parameter> names) {
            conv.collect(prefix, names);
        }
    }
}
