package io.pillsnap.trainer.classifier.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.training.initializer.UniformInitializer;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * EfficientNetV2 built from its table: stem, blocks, 1x1 head, global average pool, dropout, linear
 * classifier. Input: NCHW float images normalised as in {@code Preprocessing}; output: logits per
 * class. {@link #namedParameters()} names every tensor as timm's state dict does.
 */
public final class EfficientNetV2 extends AbstractBlock {

    private final EfficientNetV2Config config;
    private final int numClasses;
    private final ConvBnAct stem;
    private final List<ResidualBlock> blocks;
    private final List<int[]> blockIndex;
    private final ConvBnAct head;
    private final Parameter classifierWeight;
    private final Parameter classifierBias;

    public EfficientNetV2(EfficientNetV2Config config, int numClasses) {
        this.config = config;
        this.numClasses = numClasses;
        stem =
                addChildBlock(
                        "stem",
                        new ConvBnAct(
                                3,
                                config.stemChannels(),
                                3,
                                2,
                                1,
                                true,
                                config.flavour(),
                                "conv_stem",
                                "bn1"));
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
                        new ConvBnAct(
                                channels,
                                config.headChannels(),
                                1,
                                1,
                                1,
                                true,
                                config.flavour(),
                                "conv_head",
                                "bn2"));
        float range = (float) (1.0 / Math.sqrt(numClasses));
        classifierWeight =
                addParameter(
                        Parameter.builder()
                                .setName("classifier_weight")
                                .setType(Parameter.Type.WEIGHT)
                                .optShape(new Shape(numClasses, config.headChannels()))
                                .optInitializer(new UniformInitializer(range))
                                .build());
        classifierBias =
                addParameter(
                        Parameter.builder()
                                .setName("classifier_bias")
                                .setType(Parameter.Type.BIAS)
                                .optShape(new Shape(numClasses))
                                .optInitializer(new ConstantInitializer(0f))
                                .build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore,
            NDList inputs,
            boolean training,
            PairList<String, Object> params) {
        NDArray features = features(parameterStore, inputs, training, params);
        NDArray pooled = Layers.globalAveragePool(features, false);
        pooled = Dropout.dropout(pooled, (float) config.dropout(), training).singletonOrThrow();
        var device = pooled.getDevice();
        return Linear.linear(
                pooled,
                parameterStore.getValue(classifierWeight, device, training),
                parameterStore.getValue(classifierBias, device, training));
    }

    /** The feature map after the head convolution, before pooling. */
    public NDArray features(
            ParameterStore parameterStore,
            NDList inputs,
            boolean training,
            PairList<String, Object> params) {
        NDList x = stem.forward(parameterStore, inputs, training, params);
        for (ResidualBlock block : blocks) {
            x = block.forward(parameterStore, x, training, params);
        }
        return head.forward(parameterStore, x, training, params).singletonOrThrow();
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), numClasses)};
    }

    @Override
    protected void initializeChildBlocks(
            NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape[] shapes = inputShapes;
        stem.initialize(manager, dataType, shapes);
        shapes = stem.getOutputShapes(shapes);
        for (ResidualBlock block : blocks) {
            block.initialize(manager, dataType, shapes);
            shapes = block.getOutputShapes(shapes);
        }
        head.initialize(manager, dataType, shapes);
    }

    /** Every tensor under the name timm gives it, in forward order. */
    public Map<String, Parameter> namedParameters() {
        Map<String, Parameter> names = new LinkedHashMap<>();
        stem.collect("", names);
        for (int i = 0; i < blocks.size(); i++) {
            int[] position = blockIndex.get(i);
            blocks.get(i).collect("blocks." + position[0] + "." + position[1] + ".", names);
        }
        head.collect("", names);
        names.put("classifier.weight", classifierWeight);
        names.put("classifier.bias", classifierBias);
        return names;
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
