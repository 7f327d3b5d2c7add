package io.pillsnap.trainer.classifier.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import io.pillsnap.api.artifact.ModelFlavour;
import io.pillsnap.trainer.nn.ConvBnAct;
import io.pillsnap.trainer.nn.Layers;
import io.pillsnap.trainer.nn.UnaryBlock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One block of the table: a chain of units (convolutions and squeeze-excite), with a skip
 * connection and stochastic depth when the block keeps its shape.
 */
public final class ResidualBlock extends UnaryBlock {

    private final BlockType type;
    private final List<UnaryBlock> units;
    private final boolean skip;
    private final float dropPathRate;

    private ResidualBlock(
            BlockType type, List<UnaryBlock> units, boolean skip, float dropPathRate) {
        this.type = type;
        this.skip = skip;
        this.dropPathRate = dropPathRate;
        List<UnaryBlock> added = new ArrayList<>();
        for (int i = 0; i < units.size(); i++) {
            added.add(addChildBlock("unit" + i, units.get(i)));
        }
        this.units = List.copyOf(added);
    }

    /** Builds the block of a table row; {@code stride} is the row's only for its first block. */
    static ResidualBlock of(
            StageDef row, int inChannels, int stride, float dropPathRate, ModelFlavour flavour) {
        int out = row.channels();
        boolean skip = stride == 1 && inChannels == out;
        List<UnaryBlock> units = new ArrayList<>();
        switch (row.type()) {
            case CONV ->
                    units.add(
                            conv(flavour, inChannels, out, "conv", "bn1")
                                    .kernel(row.kernel())
                                    .stride(stride)
                                    .build());
            case FUSED_MBCONV -> {
                int mid = inChannels * row.expansion();
                units.add(
                        conv(flavour, inChannels, mid, "conv_exp", "bn1")
                                .kernel(row.kernel())
                                .stride(stride)
                                .build());
                units.add(conv(flavour, mid, out, "conv_pwl", "bn2").activation(false).build());
            }
            case MBCONV -> {
                int mid = inChannels * row.expansion();
                units.add(conv(flavour, inChannels, mid, "conv_pw", "bn1").build());
                units.add(
                        conv(flavour, mid, mid, "conv_dw", "bn2")
                                .kernel(row.kernel())
                                .stride(stride)
                                .groups(mid)
                                .build());
                if (row.seRatio() > 0) {
                    // the reduction counts from the block's input channels, as in the paper
                    units.add(
                            new SqueezeExcite(
                                    mid,
                                    Math.max(1, (int) Math.round(inChannels * row.seRatio()))));
                }
                units.add(conv(flavour, mid, out, "conv_pwl", "bn3").activation(false).build());
            }
        }
        return new ResidualBlock(row.type(), units, skip, dropPathRate);
    }

    /** A convolution unit of the table, in the weights' flavour, under timm's names. */
    static ConvBnAct.Builder conv(
            ModelFlavour flavour, int in, int out, String convName, String bnName) {
        return ConvBnAct.builder().channels(in, out).flavour(flavour).names(convName, bnName);
    }

    @Override
    protected NDArray apply(NDArray x, Pass pass) {
        NDArray y = pass.runChain(units, x);
        if (!skip) {
            return y;
        }
        return x.add(Layers.dropPath(y, dropPathRate, pass.training()));
    }

    @Override
    public Shape outputShape(Shape input) {
        return chainOutputShape(units, input);
    }

    /**
     * The convolutions under the block's own prefix, as timm names them; squeeze-excite under se.
     */
    @Override
    public void collect(String prefix, Map<String, Parameter> names) {
        for (UnaryBlock unit : units) {
            unit.collect(unit instanceof SqueezeExcite ? prefix + "se." : prefix, names);
        }
    }

    public BlockType type() {
        return type;
    }

    public List<UnaryBlock> units() {
        return units;
    }

    public boolean hasSkip() {
        return skip;
    }
}
