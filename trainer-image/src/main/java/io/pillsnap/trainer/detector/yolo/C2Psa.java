package io.pillsnap.trainer.detector.yolo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import io.pillsnap.trainer.nn.ConvBnAct;
import java.util.ArrayList;
import java.util.List;

/** CSP block with position-sensitive attention on one half (one head per 64 channels). */
final class C2Psa extends YoloModule {

    private final ConvBnAct cv1;
    private final ConvBnAct cv2;
    private final List<PsaBlock> m = new ArrayList<>();
    private final int hidden;

    C2Psa(int channels, int repeats) {
        this.hidden = channels / 2;
        this.cv1 = addNamedChild("cv1", conv(channels, 2 * hidden, 1, 1, 1, true));
        this.cv2 = addNamedChild("cv2", conv(2 * hidden, channels, 1, 1, 1, true));
        for (int i = 0; i < repeats; i++) {
            m.add(addNamedChild("m." + i, new PsaBlock(hidden, Math.max(1, hidden / 64))));
        }
    }

    @Override
    protected NDArray apply(NDArray x, Pass f) {
        NDList parts = f.run(cv1, x).split(new long[] {hidden}, 1);
        NDArray b = parts.get(1);
        for (PsaBlock block : m) {
            b = f.run(block, b);
        }
        return f.run(cv2, NDArrays.concat(new NDList(parts.get(0), b), 1));
    }

    @Override
    String export(YoloGraph g, String x, Shape input) {
        String[] parts = g.split(g.conv(cv1, x), 1, hidden, hidden);
        String b = parts[1];
        Shape inner = withChannels(input, hidden);
        for (PsaBlock block : m) {
            b = block.export(g, b, inner);
        }
        return g.conv(cv2, g.concat(1, parts[0], b));
    }

    @Override
    public Shape outputShape(Shape input) {
        return input;
    }
}
