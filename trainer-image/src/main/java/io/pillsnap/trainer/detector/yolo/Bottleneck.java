package io.pillsnap.trainer.detector.yolo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.pillsnap.trainer.nn.ConvBnAct;

/** Two convolutions (cv1, cv2) with a residual when the channels stay the same. */
final class Bottleneck extends YoloModule {

    private final ConvBnAct cv1;
    private final ConvBnAct cv2;
    private final boolean add;
    private final int out;

    /**
     * @param firstKernel 3 in C3k2's and C3k's bottlenecks
     * @param expansion hidden channels = int(out * expansion)
     */
    Bottleneck(int in, int out, boolean shortcut, int firstKernel, double expansion) {
        int hidden = (int) (out * expansion);
        this.cv1 = addNamedChild("cv1", conv(in, hidden, firstKernel, 1, 1, true));
        this.cv2 = addNamedChild("cv2", conv(hidden, out, 3, 1, 1, true));
        this.add = shortcut && in == out;
        this.out = out;
    }

    @Override
    protected NDArray apply(NDArray x, Pass f) {
        NDArray y = f.run(cv2, f.run(cv1, x));
        return add ? x.add(y) : y;
    }

    @Override
    String export(YoloGraph g, String x, Shape input) {
        String y = g.conv(cv2, g.conv(cv1, x));
        return add ? g.add(x, y) : y;
    }

    @Override
    public Shape outputShape(Shape input) {
        return withChannels(input, out);
    }
}
