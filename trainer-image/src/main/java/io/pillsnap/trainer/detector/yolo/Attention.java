package io.pillsnap.trainer.detector.yolo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import io.pillsnap.trainer.nn.ConvBnAct;
import io.pillsnap.trainer.runtime.Tensors;

/**
 * Multi-head self-attention over the positions of a feature map. One 1x1 convolution makes queries,
 * keys and values, laid out per head (each head: its queries, its keys, its values); a depthwise
 * 3x3 convolution of the values adds position; a 1x1 convolution projects.
 */
final class Attention extends YoloModule {

    private final ConvBnAct qkv;
    private final ConvBnAct proj;
    private final ConvBnAct pe;
    private final int heads;
    private final int keyDim;
    private final int headDim;
    private final float scale;

    Attention(int dim, int heads, double attentionRatio) {
        this.heads = heads;
        this.headDim = dim / heads;
        this.keyDim = (int) (headDim * attentionRatio);
        this.scale = (float) Math.pow(keyDim, -0.5);
        int channels = dim + 2 * keyDim * heads;
        this.qkv = addNamedChild("qkv", conv(dim, channels, 1, 1, 1, false));
        this.proj = addNamedChild("proj", conv(dim, dim, 1, 1, 1, false));
        this.pe = addNamedChild("pe", conv(dim, dim, 3, 1, dim, false));
    }

    @Override
    protected NDArray apply(NDArray x, Pass f) {
        Shape shape = x.getShape();
        long batch = shape.get(0);
        long channels = shape.get(1);
        long positions = shape.get(2) * shape.get(3);
        NDArray t = f.run(qkv, x).reshape(batch, heads, 2L * keyDim + headDim, positions);
        NDList parts = t.split(new long[] {keyDim, 2L * keyDim}, 2);
        NDArray q = parts.get(0);
        NDArray k = parts.get(1);
        NDArray v = parts.get(2);
        NDArray attention =
                q.transpose(0, 1, 3, 2).matMul(k).mul(Tensors.scalar(q, scale)).softmax(-1);
        NDArray out = v.matMul(attention.transpose(0, 1, 3, 2)).reshape(shape);
        out = out.add(f.run(pe, v.reshape(batch, channels, shape.get(2), shape.get(3))));
        return f.run(proj, out);
    }

    @Override
    String export(YoloGraph g, String x, Shape input) {
        long channels = input.get(1);
        long height = input.get(2);
        long width = input.get(3);
        long positions = height * width;
        String t = g.reshape(g.conv(qkv, x), 0, heads, 2L * keyDim + headDim, positions);
        String[] parts = g.split(t, 2, keyDim, keyDim, headDim);
        String attention =
                g.softmax(g.scale(g.matMul(g.transpose(parts[0], 0, 1, 3, 2), parts[1]), scale), 3);
        String out =
                g.reshape(
                        g.matMul(parts[2], g.transpose(attention, 0, 1, 3, 2)),
                        0,
                        channels,
                        height,
                        width);
        out = g.add(out, g.conv(pe, g.reshape(parts[2], 0, channels, height, width)));
        return g.conv(proj, out);
    }

    @Override
    public Shape outputShape(Shape input) {
        return input;
    }
}
