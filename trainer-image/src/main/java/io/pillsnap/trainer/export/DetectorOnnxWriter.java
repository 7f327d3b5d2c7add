package io.pillsnap.trainer.export;

import ai.djl.nn.Parameter;
import io.pillsnap.trainer.detector.yolo.Yolo11;
import io.pillsnap.trainer.detector.yolo.YoloGraph;
import io.pillsnap.trainer.nn.ConvBnAct;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Writes a trained YOLO11 as an ONNX model from its modules' own description of their forward pass:
 * input {@value #INPUT} [batch, 3, S, S] (RGB in [0, 1], letterboxed), output {@value #OUTPUT} the
 * raw head [batch, 64 + classes, anchors], decoded and suppressed by the shared Java components, as
 * for the trained model. The batch axis is dynamic; the image size is fixed.
 */
public final class DetectorOnnxWriter implements YoloGraph {

    public static final String INPUT = "images";
    public static final String OUTPUT = "head";

    private final OnnxGraph graph;

    private DetectorOnnxWriter(Yolo11 model) {
        this.graph = new OnnxGraph("yolo11", model.namedParameters());
    }

    public static byte[] write(Yolo11 model, int imageSize, int opset, String producerVersion) {
        DetectorOnnxWriter writer = new DetectorOnnxWriter(model);
        OnnxGraph g = writer.graph;
        g.input(INPUT, "batch", 3, imageSize, imageSize);
        String head = model.export(writer, INPUT, imageSize);
        g.namedNode("Identity", OUTPUT, List.of(head), Map.of());
        int anchors = 0;
        for (int stride : Yolo11.STRIDES) {
            anchors += (imageSize / stride) * (imageSize / stride);
        }
        g.output(OUTPUT, "batch", 64 + model.classes(), anchors);
        return g.model(
                opset,
                producerVersion,
                model.config().name() + ", " + model.classes() + " classes, raw head");
    }

    @Override
    public String conv(ConvBnAct conv, String x) {
        return graph.convBnAct(x, conv);
    }

    @Override
    public String convWithBias(Parameter weight, Parameter bias, String x) {
        return graph.conv1x1(x, weight, bias);
    }

    @Override
    public String add(String a, String b) {
        return graph.node("Add", List.of(a, b), Map.of());
    }

    @Override
    public String concat(int axis, String... inputs) {
        return graph.node("Concat", Arrays.asList(inputs), Map.of("axis", (long) axis));
    }

    @Override
    public String[] split(String x, int axis, long... sizes) {
        return graph.nodeWithOutputs(
                "Split", List.of(x, graph.longs(sizes)), Map.of("axis", (long) axis), sizes.length);
    }

    @Override
    public String maxPool(String x, int kernel) {
        long pad = kernel / 2;
        return graph.node(
                "MaxPool",
                List.of(x),
                Map.of(
                        "kernel_shape", List.of((long) kernel, (long) kernel),
                        "strides", List.of(1L, 1L),
                        "pads", List.of(pad, pad, pad, pad)));
    }

    @Override
    public String upsample(String x) {
        // nearest, each pixel repeated: asymmetric coordinates with floor, as DJL's repeat
        List<String> inputs = new ArrayList<>(List.of(x, "", graph.floats(1f, 1f, 2f, 2f)));
        return graph.node(
                "Resize",
                inputs,
                Map.of(
                        "mode", "nearest",
                        "coordinate_transformation_mode", "asymmetric",
                        "nearest_mode", "floor"));
    }

    @Override
    public String reshape(String x, long... shape) {
        return graph.node("Reshape", List.of(x, graph.longs(shape)), Map.of());
    }

    @Override
    public String transpose(String x, long... permutation) {
        List<Long> perm = Arrays.stream(permutation).boxed().toList();
        return graph.node("Transpose", List.of(x), Map.of("perm", perm));
    }

    @Override
    public String matMul(String a, String b) {
        return graph.node("MatMul", List.of(a, b), Map.of());
    }

    @Override
    public String scale(String x, float factor) {
        return graph.node("Mul", List.of(x, graph.floats(factor)), Map.of());
    }

    @Override
    public String softmax(String x, int axis) {
        return graph.node("Softmax", List.of(x), Map.of("axis", (long) axis));
    }
}
