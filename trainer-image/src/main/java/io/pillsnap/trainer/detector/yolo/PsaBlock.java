package io.pillsnap.trainer.detector.yolo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.pillsnap.trainer.nn.ConvBnAct;

/** Attention, then a two-layer 1x1 feed-forward, each with a residual. */
final class PsaBlock extends YoloModule {

    private final Attention attn;
    private final ConvBnAct ffn0;
    private final ConvBnAct ffn1;

    PsaBlock(int channels, int heads) {
        this.attn = addNamedChild("attn", new Attention(channels, heads, 0.5));
        this.ffn0 = addNamedChild("ffn.0", conv(channels, 2 * channels, 1, 1, 1, true));
        this.ffn1 = addNamedChild("ffn.1", conv(2 * channels, channels, 1, 1, 1, false));
    }

    @Override
    protected NDArray apply(NDArray x, Pass f) {
        NDArray y = x.add(f.run(attn, x));
        return y.add(f.run(ffn1, f.run(ffn0, y)));
    }

    @Override
    String export(YoloGraph g, String x, Shape input) {
        String y = g.add(x, attn.export(g, x, input));
        return g.add(y, g.conv(ffn1, g.conv(ffn0, y)));
    }

    @Override
    public Shape outputShape(Shape input) {
        return input;
    }
}
