package io.pillsnap.trainer.classifier.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.pillsnap.api.artifact.ModelFlavour;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One block of the table: a chain of units (convolutions and squeeze-excite), with a skip
 * connection and stochastic depth when the block keeps its shape.
 */
public final class ResidualBlock extends AbstractBlock {

    private final BlockType type;
    private final List<Block> units;
    private final boolean skip;
    private final float dropPathRate;

    private ResidualBlock(BlockType type, List<Block> units, boolean skip, float dropPathRate) {
        this.type = type;
        this.skip = skip;
        this.dropPathRate = dropPathRate;
        List<Block> added = new ArrayList<>();
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
        List<Block> units = new ArrayList<>();
        switch (row.type()) {
            case CONV ->
                    units.add(
                            new ConvBnAct(
                                    inChannels,
                                    out,
                                    row.kernel(),
                                    stride,
                                    1,
                                    true,
                                    flavour,
                                    "conv",
                                    "bn1"));
            case FUSED_MBCONV -> {
                int mid = inChannels * row.expansion();
                units.add(
                        new ConvBnAct(
                                inChannels,
                                mid,
                                row.kernel(),
                                stride,
                                1,
                                true,
                                flavour,
                                "conv_exp",
                                "bn1"));
                units.add(new ConvBnAct(mid, out, 1, 1, 1, false, flavour, "conv_pwl", "bn2"));
            }
            case MBCONV -> {
                int mid = inChannels * row.expansion();
                units.add(new ConvBnAct(inChannels, mid, 1, 1, 1, true, flavour, "conv_pw", "bn1"));
                units.add(
                        new ConvBnAct(
                                mid,
                                mid,
                                row.kernel(),
                                stride,
                                mid,
                                true,
                                flavour,
                                "conv_dw",
                                "bn2"));
                if (row.seRatio() > 0) {
                    // the reduction counts from the block's input channels, as in the paper
                    units.add(
                            new SqueezeExcite(
                                    mid,
                                    Math.max(1, (int) Math.round(inChannels * row.seRatio()))));
                }
                units.add(new ConvBnAct(mid, out, 1, 1, 1, false, flavour, "conv_pwl", "bn3"));
            }
        }
        return new ResidualBlock(row.type(), units, skip, dropPathRate);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore,
            NDList inputs,
            boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDList y = inputs;
        for (Block unit : units) {
            y = unit.forward(parameterStore, y, training, params);
        }
        if (!skip) {
            return y;
        }
        return new NDList(x.add(Layers.dropPath(y.singletonOrThrow(), dropPathRate, training)));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape[] shapes = inputShapes;
        for (Block unit : units) {
            shapes = unit.getOutputShapes(shapes);
        }
        return shapes;
    }

    @Override
    protected void initializeChildBlocks(
            NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape[] shapes = inputShapes;
        for (Block unit : units) {
            unit.initialize(manager, dataType, shapes);
            shapes = unit.getOutputShapes(shapes);
        }
    }

    void collect(String prefix, Map<String, Parameter> names) {
        for (Block unit : units) {
            if (unit instanceof ConvBnAct conv) {
                conv.collect(prefix, names);
            } else if (unit instanceof SqueezeExcite se) {
                se.collect(prefix + "se.", names);
            }
        }
    }

    public BlockType type() {
        return type;
    }

    public List<Block> units() {
        return units;
    }

    public boolean hasSkip() {
        return skip;
    }
}
