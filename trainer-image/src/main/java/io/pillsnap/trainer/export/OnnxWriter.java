package io.pillsnap.trainer.export;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import io.pillsnap.trainer.model.ConvBnAct;
import io.pillsnap.trainer.model.EfficientNetV2;
import io.pillsnap.trainer.model.ResidualBlock;
import io.pillsnap.trainer.model.SqueezeExcite;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.IdentityHashMap;
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

    /** IR version 8 is the one ONNX 1.12 introduced with opset 17. */
    static final long IR_VERSION = 8;

    private final GraphProto.Builder graph = GraphProto.newBuilder().setName("efficientnetv2");
    private final Map<Parameter, String> names = new IdentityHashMap<>();
    private final java.util.Set<String> written = new java.util.HashSet<>();
    private int counter;

    private OnnxWriter(EfficientNetV2 model) {
        model.namedParameters().forEach((name, parameter) -> names.put(parameter, name));
    }

    /** The serialised ONNX model. */
    public static byte[] write(
            EfficientNetV2 model, int imageSize, int opset, String producerVersion) {
        OnnxWriter writer = new OnnxWriter(model);
        writer.graph.addInput(tensorInfo(INPUT, "batch", 3, imageSize, imageSize));
        String x = writer.convBnAct(INPUT, model.stem());
        for (ResidualBlock block : model.blocks()) {
            x = writer.block(x, block);
        }
        x = writer.convBnAct(x, model.head());
        x = writer.node("GlobalAveragePool", List.of(x), Map.of());
        x = writer.node("Flatten", List.of(x), Map.of("axis", 1L));
        writer.graph.addNode(
                NodeProto.newBuilder()
                        .setOpType("Gemm")
                        .setName("classifier")
                        .addInput(x)
                        .addInput(writer.weight(model.classifierWeight()))
                        .addInput(writer.weight(model.classifierBias()))
                        .addOutput(OUTPUT)
                        .addAttribute(intAttribute("transB", 1)));
        writer.graph.addOutput(tensorInfo(OUTPUT, "batch", model.numClasses()));
        return ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .addOpsetImport(
                        ai.onnx.proto.OnnxMl.OperatorSetIdProto.newBuilder()
                                .setDomain("")
                                .setVersion(opset))
                .setProducerName("pillsnap-trainer")
                .setProducerVersion(producerVersion)
                .setDocString(model.config().name() + ", " + model.numClasses() + " classes")
                .setGraph(writer.graph)
                .build()
                .toByteArray();
    }

    private String block(String input, ResidualBlock block) {
        String x = input;
        for (Block unit : block.units()) {
            if (unit instanceof ConvBnAct conv) {
                x = convBnAct(x, conv);
            } else if (unit instanceof SqueezeExcite se) {
                x = squeezeExcite(x, se);
            } else {
                throw new IllegalStateException(
                        "no ONNX export for " + unit.getClass().getSimpleName());
            }
        }
        // stochastic depth is the identity at inference
        return block.hasSkip() ? node("Add", List.of(input, x), Map.of()) : x;
    }

    private String convBnAct(String input, ConvBnAct conv) {
        int k = conv.kernel();
        long pad = k / 2;
        Map<String, Object> attributes = new HashMap<>();
        attributes.put("kernel_shape", List.of((long) k, (long) k));
        attributes.put("strides", List.of((long) conv.stride(), (long) conv.stride()));
        attributes.put("dilations", List.of(1L, 1L));
        attributes.put("group", (long) conv.groups());
        if (conv.tfSame()) {
            // TensorFlow's "same": padding depends on the input size, odd pixel at the end
            attributes.put("auto_pad", "SAME_UPPER");
        } else {
            attributes.put("pads", List.of(pad, pad, pad, pad));
        }
        String y = node("Conv", List.of(input, weight(conv.weight())), attributes);
        y =
                node(
                        "BatchNormalization",
                        List.of(
                                y,
                                weight(conv.gamma()),
                                weight(conv.beta()),
                                weight(conv.runningMean()),
                                weight(conv.runningVar())),
                        Map.of("epsilon", conv.epsilon()));
        return conv.activation() ? silu(y) : y;
    }

    private String squeezeExcite(String input, SqueezeExcite se) {
        String s = node("GlobalAveragePool", List.of(input), Map.of());
        s =
                node(
                        "Conv",
                        List.of(s, weight(se.reduceWeight()), weight(se.reduceBias())),
                        Map.of("kernel_shape", List.of(1L, 1L)));
        s = silu(s);
        s =
                node(
                        "Conv",
                        List.of(s, weight(se.expandWeight()), weight(se.expandBias())),
                        Map.of("kernel_shape", List.of(1L, 1L)));
        s = node("Sigmoid", List.of(s), Map.of());
        return node("Mul", List.of(input, s), Map.of());
    }

    private String silu(String x) {
        String gate = node("Sigmoid", List.of(x), Map.of());
        return node("Mul", List.of(x, gate), Map.of());
    }

    /** Adds a node with one output and returns the output's name. */
    private String node(String op, List<String> inputs, Map<String, Object> attributes) {
        String output = op.toLowerCase() + "_" + counter++;
        NodeProto.Builder node =
                NodeProto.newBuilder()
                        .setOpType(op)
                        .setName(output)
                        .addAllInput(inputs)
                        .addOutput(output);
        attributes.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> node.addAttribute(attribute(e.getKey(), e.getValue())));
        graph.addNode(node);
        return output;
    }

    /** The parameter as an initializer (once), by its reference name. */
    private String weight(Parameter parameter) {
        String name = names.get(parameter);
        if (name == null) {
            throw new IllegalStateException(
                    "parameter " + parameter.getName() + " is not part of the model");
        }
        if (written.add(name)) {
            float[] values = parameter.getArray().toFloatArray();
            ByteBuffer bytes =
                    ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            bytes.asFloatBuffer().put(values);
            TensorProto.Builder tensor =
                    TensorProto.newBuilder()
                            .setName(name)
                            .setDataType(TensorProto.DataType.FLOAT.getNumber())
                            .setRawData(ByteString.copyFrom(bytes.array()));
            for (long dim : parameter.getArray().getShape().getShape()) {
                tensor.addDims(dim);
            }
            graph.addInitializer(tensor);
        }
        return name;
    }

    private static AttributeProto attribute(String name, Object value) {
        AttributeProto.Builder attribute = AttributeProto.newBuilder().setName(name);
        if (value instanceof Long l) {
            return attribute.setType(AttributeProto.AttributeType.INT).setI(l).build();
        }
        if (value instanceof String text) {
            return attribute
                    .setType(AttributeProto.AttributeType.STRING)
                    .setS(ByteString.copyFromUtf8(text))
                    .build();
        }
        if (value instanceof Float f) {
            return attribute.setType(AttributeProto.AttributeType.FLOAT).setF(f).build();
        }
        if (value instanceof List<?> list) {
            attribute.setType(AttributeProto.AttributeType.INTS);
            list.forEach(v -> attribute.addInts((Long) v));
            return attribute.build();
        }
        throw new IllegalArgumentException("unsupported attribute " + name + " = " + value);
    }

    private static AttributeProto intAttribute(String name, long value) {
        return attribute(name, value);
    }

    /** A float tensor's type; a String dimension is symbolic (dynamic). */
    private static ValueInfoProto tensorInfo(String name, Object... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object dim : dims) {
            if (dim instanceof String symbol) {
                shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(symbol));
            } else {
                shape.addDim(
                        TensorShapeProto.Dimension.newBuilder()
                                .setDimValue(((Number) dim).longValue()));
            }
        }
        return ValueInfoProto.newBuilder()
                .setName(name)
                .setType(
                        TypeProto.newBuilder()
                                .setTensorType(
                                        TypeProto.Tensor.newBuilder()
                                                .setElemType(TensorProto.DataType.FLOAT.getNumber())
                                                .setShape(shape)))
                .build();
    }
}
