package io.pillsnap.trainer.detector.yolo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import io.pillsnap.trainer.nn.ConvBnAct;

/** Spatial pyramid pooling, fast: three chained 5x5 max pools, all four maps fused by cv2. */
final class Sppf extends YoloModule {

    private final ConvBnAct cv1;
    private final ConvBnAct cv2;
    private final int kernel;
    private final int out;

    Sppf(int in, int out, int kernel) {
        int hidden = in / 2;
        this.cv1 = addNamedChild("cv1", conv(in, hidden, 1, 1, 1, true));
        this.cv2 = addNamedChild("cv2", conv(4 * hidden, out, 1, 1, 1, true));
        this.kernel = kernel;
        this.out = out;
    }

    @Override
    protected NDArray apply(NDArray x, Pass f) {
        NDArray a = f.run(cv1, x);
        NDArray p1 = pool(a);
        NDArray p2 = pool(p1);
        NDArray p3 = pool(p2);
        return f.run(cv2, NDArrays.concat(new NDList(a, p1, p2, p3), 1));
    }

    private NDArray pool(NDArray x) {
        return Pool.maxPool2d(
                x,
                new Shape(kernel, kernel),
                new Shape(1, 1),
                new Shape(kernel / 2, kernel / 2),
                false);
    }

    @Override
    String export(YoloGraph g, String x, Shape input) {
        String a = g.conv(cv1, x);
        String p1 = g.maxPool(a, kernel);
        String p2 = g.maxPool(p1, kernel);
        String p3 = g.maxPool(p2, kernel);
        return g.conv(cv2, g.concat(1, a, p1, p2, p3));
    }

    @Override
    public Shape outputShape(Shape input) {
        return withChannels(input, out);
    }
}
