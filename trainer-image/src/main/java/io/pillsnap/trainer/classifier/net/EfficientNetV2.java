package io.pillsnap.trainer.classifier.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.training.initializer.UniformInitializer;
import io.pillsnap.trainer.nn.ConvBnAct;
import io.pillsnap.trainer.nn.Layers;
import io.pillsnap.trainer.nn.UnaryBlock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * EfficientNetV2 built from its table: stem, blocks, 1x1 head, global average pool, dropout, linear
 * classifier. Input: NCHW float images normalised as in {@code Preprocessing}; output: logits per
 * class. {@link #namedParameters()} names every tensor as timm's state dict does.
 */
public final class EfficientNetV2 extends UnaryBlock {

    private final EfficientNetV2Config config;
    private final int numClasses;
    private final ConvBnAct stem;
    private final List<ResidualBlock> blocks;
    private final List<int[]> blockIndex;
    private final ConvBnAct head;

    /** Stem, blocks and head, in the order data flows through them: the feature extractor. */
    private final List<Block> featureChain;

    private final Parameter classifierWeight;
    private final Parameter classifierBias;

    public EfficientNetV2(EfficientNetV2Config config, int numClasses) {
        this.config = config;
        this.numClasses = numClasses;
        stem =
                addChildBlock(
                        "stem",
                        ResidualBlock.conv(
                                        config.flavour(),
                                        3,
                                        config.stemChannels(),
                                        "conv_stem",
                                        "bn1")
                                .kernel(3)
                                .stride(2)
                                .build());
        List<ResidualBlock> built = new ArrayList<>();
        List<int[]> index = new ArrayList<>();
        int channels = config.stemChannels();
        int total = config.blockCount();
        int blockNumber = 0;
        for (int stage = 0; stage < config.stages().size(); stage++) {
            StageDef row = config.stages().get(stage);
            for (int i = 0; i < row.repeats(); i++) {
                float dropPath = (float) (config.dropPathRate() * blockNumber / total);
                ResidualBlock block =
                        ResidualBlock.of(
                                row,
                                channels,
                                i == 0 ? row.stride() : 1,
                                dropPath,
                                config.flavour());
                built.add(addChildBlock("block" + stage + "_" + i, block));
                index.add(new int[] {stage, i});
                channels = row.channels();
                blockNumber++;
            }
        }
        blocks = Collections.unmodifiableList(built);
        blockIndex = List.copyOf(index);
        head =
                addChildBlock(
                        "head",
                        ResidualBlock.conv(
                                        config.flavour(),
                                        channels,
                                        config.headChannels(),
                                        "conv_head",
                                        "bn2")
                                .build());
        List<Block> chain = new ArrayList<>(List.of(stem));
        chain.addAll(blocks);
        chain.add(head);
        featureChain = List.copyOf(chain);
        classifierWeight =
                addParameter(
                        "classifier_weight",
                        Parameter.Type.WEIGHT,
                        new Shape(numClasses, config.headChannels()),
                        new UniformInitializer((float) (1.0 / Math.sqrt(numClasses))));
        classifierBias =
                addParameter(
                        "classifier_bias",
                        Parameter.Type.BIAS,
                        new Shape(numClasses),
                        new ConstantInitializer(0f));
    }

    @Override
    protected NDArray apply(NDArray x, Pass pass) {
        NDArray pooled = Layers.globalAveragePool(pass.runChain(featureChain, x), false);
        pooled =
                Dropout.dropout(pooled, (float) config.dropout(), pass.training())
                        .singletonOrThrow();
        return Linear.linear(
                        pooled,
                        pass.value(classifierWeight, pooled),
                        pass.value(classifierBias, pooled))
                .singletonOrThrow();
    }

    @Override
    public Shape outputShape(Shape input) {
        return new Shape(input.get(0), numClasses);
    }

    /** Every tensor under the name timm gives it, in forward order. */
    @Override
    public void collect(String prefix, Map<String, Parameter> names) {
        stem.collect(prefix, names);
        for (int i = 0; i < blocks.size(); i++) {
            int[] position = blockIndex.get(i);
            blocks.get(i)
                    .collect(prefix + "blocks." + position[0] + "." + position[1] + ".", names);
        }
        head.collect(prefix, names);
        names.put(prefix + "classifier.weight", classifierWeight);
        names.put(prefix + "classifier.bias", classifierBias);
    }

    public long parameterCount() {
        return namedParameters().values().stream()
                .filter(Parameter::requiresGradient)
                .mapToLong(p -> p.getShape().size())
                .sum();
    }

    public EfficientNetV2Config config() {
        return config;
    }

    public int numClasses() {
        return numClasses;
    }

    public ConvBnAct stem() {
        return stem;
    }

    public List<ResidualBlock> blocks() {
        return blocks;
    }

    public ConvBnAct head() {
        return head;
    }

    public Parameter classifierWeight() {
        return classifierWeight;
    }

    public Parameter classifierBias() {
        return classifierBias;
    }
}
