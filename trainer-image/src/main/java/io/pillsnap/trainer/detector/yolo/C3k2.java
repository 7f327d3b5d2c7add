package io.pillsnap.trainer.detector.yolo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import io.pillsnap.trainer.nn.ConvBnAct;
import java.util.ArrayList;
import java.util.List;

/**
 * YOLO11's CSP block: cv1 splits into two halves, each inner block (a bottleneck, or a C3k) takes
 * the last output, and cv2 fuses all of them.
 */
final class C3k2 extends YoloModule {

    private final ConvBnAct cv1;
    private final ConvBnAct cv2;
    private final List<YoloModule> m = new ArrayList<>();
    private final int hidden;
    private final int out;

    C3k2(int in, int out, int repeats, boolean c3k, double expansion) {
        this.hidden = (int) (out * expansion);
        this.cv1 = addNamedChild("cv1", conv(in, 2 * hidden, 1, 1, 1, true));
        this.cv2 = addNamedChild("cv2", conv((2 + repeats) * hidden, out, 1, 1, 1, true));
        for (int i = 0; i < repeats; i++) {
            YoloModule block =
                    c3k
                            ? new C3k(hidden, hidden, 2, true)
                            : new Bottleneck(hidden, hidden, true, 3, 0.5);
            m.add(addNamedChild("m." + i, block));
        }
        this.out = out;
    }

    @Override
    protected NDArray apply(NDArray x, Pass f) {
        NDList parts = f.run(cv1, x).split(new long[] {hidden}, 1);
        NDList all = new NDList(parts.get(0), parts.get(1));
        NDArray last = parts.get(1);
        for (YoloModule block : m) {
            last = f.run(block, last);
            all.add(last);
        }
        return f.run(cv2, NDArrays.concat(all, 1));
    }

    @Override
    String export(YoloGraph g, String x, Shape input) {
        String[] parts = g.split(g.conv(cv1, x), 1, hidden, hidden);
        String[] all = new String[2 + m.size()];
        all[0] = parts[0];
        all[1] = parts[1];
        String last = parts[1];
        Shape inner = withChannels(input, hidden);
        for (int i = 0; i < m.size(); i++) {
            last = m.get(i).export(g, last, inner);
            all[2 + i] = last;
        }
        return g.conv(cv2, g.concat(1, all));
    }

    @Override
    public Shape outputShape(Shape input) {
        return withChannels(input, out);
    }
}
