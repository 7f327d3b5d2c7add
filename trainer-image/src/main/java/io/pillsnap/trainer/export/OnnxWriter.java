package io.pillsnap.trainer.export;

import ai.djl.nn.Block;
import io.pillsnap.trainer.classifier.net.EfficientNetV2;
import io.pillsnap.trainer.classifier.net.ResidualBlock;
import io.pillsnap.trainer.classifier.net.SqueezeExcite;
import io.pillsnap.trainer.nn.ConvBnAct;
import java.util.List;
import java.util.Map;

/**
 * Writes a trained EfficientNetV2 as an ONNX model, straight from its blocks and weights: Conv
 * (SAME_UPPER auto-padding for TensorFlow-flavoured weights), BatchNormalization with the flavour's
 * epsilon, Sigmoid/Mul (SiLU), GlobalAveragePool, Add, Flatten and Gemm, weights as initializers
 * named like the reference state dict. Input {@value #INPUT} [batch, 3, S, S], output {@value
 * #OUTPUT} [batch, classes]; the batch axis is dynamic.
 */
public final class OnnxWriter {

    public static final String INPUT = "input";
    public static final String OUTPUT = "logits";
    public static final int OPSET = 17;

    private final OnnxGraph graph;

    private OnnxWriter(EfficientNetV2 model) {
        this.graph = new OnnxGraph("efficientnetv2", model.namedParameters());
    }

    /** The serialised ONNX model. */
    public static byte[] write(
            EfficientNetV2 model, int imageSize, int opset, String producerVersion) {
        OnnxWriter writer = new OnnxWriter(model);
        OnnxGraph g = writer.graph;
        g.input(INPUT, "batch", 3, imageSize, imageSize);
        String x = g.convBnAct(INPUT, model.stem());
        for (ResidualBlock block : model.blocks()) {
            x = writer.block(x, block);
        }
        x = g.convBnAct(x, model.head());
        x = g.node("GlobalAveragePool", List.of(x), Map.of());
        x = g.node("Flatten", List.of(x), Map.of("axis", 1L));
        g.namedNode(
                "Gemm",
                OUTPUT,
                List.of(x, g.weight(model.classifierWeight()), g.weight(model.classifierBias())),
                Map.of("transB", 1L));
        g.output(OUTPUT, "batch", model.numClasses());
        return g.model(
                opset,
                producerVersion,
                model.config().name() + ", " + model.numClasses() + " classes");
    }

    private String block(String input, ResidualBlock block) {
        String x = input;
        for (Block unit : block.units()) {
            if (unit instanceof ConvBnAct conv) {
                x = graph.convBnAct(x, conv);
            } else if (unit instanceof SqueezeExcite se) {
                x = squeezeExcite(x, se);
            } else {
                throw new IllegalStateException(
                        "no ONNX export for " + unit.getClass().getSimpleName());
            }
        }
        // stochastic depth is the identity at inference
        return block.hasSkip() ? graph.node("Add", List.of(input, x), Map.of()) : x;
    }

    private String squeezeExcite(String input, SqueezeExcite se) {
        String s = graph.node("GlobalAveragePool", List.of(input), Map.of());
        s = graph.silu(graph.conv1x1(s, se.reduceWeight(), se.reduceBias()));
        s = graph.conv1x1(s, se.expandWeight(), se.expandBias());
        s = graph.node("Sigmoid", List.of(s), Map.of());
        return graph.node("Mul", List.of(input, s), Map.of());
    }
}
