package io.pillsnap.trainer.detector.yolo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import io.pillsnap.trainer.nn.ConvBnAct;
import java.util.Map;

/**
 * The detection head at one stride: a box branch (two 3x3 convolutions, then 4 x 16 distance-bin
 * logits, side-major) and a class branch (two depthwise-separable pairs, then class logits), their
 * outputs concatenated: box channels first.
 */
final class DetectBranch extends YoloModule {

    static final int REG_MAX = 16;

    /** The reference's bias_init assumes 640-pixel inputs. */
    private static final double REFERENCE_SIZE = 640;

    private final ConvBnAct box0;
    private final ConvBnAct box1;
    private final Conv2dBias box2;
    private final ConvBnAct cls0dw;
    private final ConvBnAct cls0pw;
    private final ConvBnAct cls1dw;
    private final ConvBnAct cls1pw;
    private final Conv2dBias cls2;
    private final int outputs;

    /**
     * @param boxChannels c2 = max(16, P3 channels / 4, 64)
     * @param classChannels c3 = max(P3 channels, min(classes, 100))
     */
    DetectBranch(int in, int boxChannels, int classChannels, int classes, int stride) {
        this.box0 = addChildBlock("box0", conv(in, boxChannels, 3, 1, 1, true));
        this.box1 = addChildBlock("box1", conv(boxChannels, boxChannels, 3, 1, 1, true));
        this.box2 = addChildBlock("box2", new Conv2dBias(boxChannels, 4 * REG_MAX, 1.0f));
        this.cls0dw = addChildBlock("cls0dw", depthwise(in, in, 3));
        this.cls0pw = addChildBlock("cls0pw", conv(in, classChannels, 1, 1, 1, true));
        this.cls1dw = addChildBlock("cls1dw", depthwise(classChannels, classChannels, 3));
        this.cls1pw = addChildBlock("cls1pw", conv(classChannels, classChannels, 1, 1, 1, true));
        double cells = REFERENCE_SIZE / stride;
        float classBias = (float) Math.log(5.0 / classes / (cells * cells));
        this.cls2 = addChildBlock("cls2", new Conv2dBias(classChannels, classes, classBias));
        this.outputs = 4 * REG_MAX + classes;
    }

    @Override
    protected NDArray apply(NDArray x, Pass f) {
        NDArray box = f.run(box2, f.run(box1, f.run(box0, x)));
        NDArray cls = f.run(cls0pw, f.run(cls0dw, x));
        cls = f.run(cls2, f.run(cls1pw, f.run(cls1dw, cls)));
        return NDArrays.concat(new NDList(box, cls), 1);
    }

    @Override
    String export(YoloGraph g, String x, Shape input) {
        String box = box2.export(g, g.conv(box1, g.conv(box0, x)), input);
        String cls = g.conv(cls0pw, g.conv(cls0dw, x));
        cls = cls2.export(g, g.conv(cls1pw, g.conv(cls1dw, cls)), input);
        return g.concat(1, box, cls);
    }

    @Override
    public Shape outputShape(Shape input) {
        return withChannels(input, outputs);
    }

    /** The box branch under {@code model.23.cv2.<level>.}, as the reference names it. */
    void collectBox(String prefix, int level, Map<String, Parameter> names) {
        String box = prefix + "cv2." + level + ".";
        box0.collect(box + "0.", names);
        box1.collect(box + "1.", names);
        box2.collect(box + "2.", names);
    }

    /** The class branch under {@code model.23.cv3.<level>.}. */
    void collectClass(String prefix, int level, Map<String, Parameter> names) {
        String cls = prefix + "cv3." + level + ".";
        cls0dw.collect(cls + "0.0.", names);
        cls0pw.collect(cls + "0.1.", names);
        cls1dw.collect(cls + "1.0.", names);
        cls1pw.collect(cls + "1.1.", names);
        cls2.collect(cls + "2.", names);
    }

    @Override
    public void collect(String prefix, Map<String, Parameter> names) {
        throw new UnsupportedOperationException("a head branch is named by its level");
    }
}
