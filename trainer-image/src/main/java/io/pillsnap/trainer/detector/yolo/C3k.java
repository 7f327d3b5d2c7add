package io.pillsnap.trainer.detector.yolo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import io.pillsnap.trainer.nn.ConvBnAct;
import java.util.ArrayList;
import java.util.List;

/**
 * CSP block with 3x3 bottlenecks: cv1 then the bottlenecks on one branch, cv2 on the other, cv3 on
 * both (bottleneck branch first).
 */
final class C3k extends YoloModule {

    private final ConvBnAct cv1;
    private final ConvBnAct cv2;
    private final ConvBnAct cv3;
    private final List<Bottleneck> m = new ArrayList<>();
    private final int out;

    C3k(int in, int out, int repeats, boolean shortcut) {
        int hidden = (int) (out * 0.5);
        this.cv1 = addNamedChild("cv1", conv(in, hidden, 1, 1, 1, true));
        this.cv2 = addNamedChild("cv2", conv(in, hidden, 1, 1, 1, true));
        this.cv3 = addNamedChild("cv3", conv(2 * hidden, out, 1, 1, 1, true));
        for (int i = 0; i < repeats; i++) {
            m.add(addNamedChild("m." + i, new Bottleneck(hidden, hidden, shortcut, 3, 1.0)));
        }
        this.out = out;
    }

    @Override
    protected NDArray apply(NDArray x, Pass f) {
        NDArray a = f.run(cv1, x);
        for (Bottleneck block : m) {
            a = f.run(block, a);
        }
        return f.run(cv3, NDArrays.concat(new NDList(a, f.run(cv2, x)), 1));
    }

    @Override
    String export(YoloGraph g, String x, Shape input) {
        String a = g.conv(cv1, x);
        for (Bottleneck block : m) {
            a = block.export(g, a, input);
        }
        return g.conv(cv3, g.concat(1, a, g.conv(cv2, x)));
    }

    @Override
    public Shape outputShape(Shape input) {
        return withChannels(input, out);
    }
}
