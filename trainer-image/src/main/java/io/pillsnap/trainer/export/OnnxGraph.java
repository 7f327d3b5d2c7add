package io.pillsnap.trainer.export;

import ai.djl.nn.Parameter;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import io.pillsnap.trainer.nn.ConvBnAct;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * An ONNX graph under construction, for our model writers: nodes with generated output names,
 * weights as initializers under their state-dict names (each once), constants, and the model around
 * the graph. Hand-built protobuf: no ONNX library is needed.
 */
final class OnnxGraph {

    /** IR version 8 is the one ONNX 1.12 introduced with opset 17. */
    static final long IR_VERSION = 8;

    private final GraphProto.Builder graph;
    private final Map<Parameter, String> names = new IdentityHashMap<>();
    private final Set<String> written = new HashSet<>();
    private int counter;

    OnnxGraph(String name, Map<String, Parameter> parameters) {
        this.graph = GraphProto.newBuilder().setName(name);
        parameters.forEach((parameterName, parameter) -> names.put(parameter, parameterName));
    }

    void input(String name, Object... dims) {
        graph.addInput(tensorInfo(name, dims));
    }

    void output(String name, Object... dims) {
        graph.addOutput(tensorInfo(name, dims));
    }

    /** Adds a node with one output and returns the output's name. */
    String node(String op, List<String> inputs, Map<String, Object> attributes) {
        return nodeWithOutputs(op, inputs, attributes, 1)[0];
    }

    /** Adds a node with several outputs and returns their names. */
    String[] nodeWithOutputs(
            String op, List<String> inputs, Map<String, Object> attributes, int outputs) {
        String base = op.toLowerCase() + "_" + counter++;
        String[] names = new String[outputs];
        for (int i = 0; i < outputs; i++) {
            names[i] = outputs == 1 ? base : base + "_" + i;
        }
        add(op, base, inputs, List.of(names), attributes);
        return names;
    }

    /** A node whose output gets a given name (the graph's output). */
    void namedNode(String op, String output, List<String> inputs, Map<String, Object> attributes) {
        add(op, output, inputs, List.of(output), attributes);
    }

    private void add(
            String op,
            String name,
            List<String> inputs,
            List<String> outputs,
            Map<String, Object> attributes) {
        NodeProto.Builder node =
                NodeProto.newBuilder()
                        .setOpType(op)
                        .setName(name)
                        .addAllInput(inputs)
                        .addAllOutput(outputs);
        attributes.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> node.addAttribute(attribute(e.getKey(), e.getValue())));
        graph.addNode(node);
    }

    /** The parameter as an initializer (once), by its state-dict name. */
    String weight(Parameter parameter) {
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

    /** A 1-D int64 constant (shapes, split sizes). */
    String longs(long... values) {
        return constant(
                TensorProto.DataType.INT64,
                values.length,
                tensor -> Arrays.stream(values).forEach(tensor::addInt64Data));
    }

    /** A 1-D float constant. */
    String floats(float... values) {
        return constant(
                TensorProto.DataType.FLOAT,
                values.length,
                tensor -> {
                    for (float v : values) {
                        tensor.addFloatData(v);
                    }
                });
    }

    private String constant(
            TensorProto.DataType type, int length, Consumer<TensorProto.Builder> values) {
        TensorProto.Builder tensor =
                TensorProto.newBuilder()
                        .setName("const_" + counter++)
                        .setDataType(type.getNumber())
                        .addDims(length);
        values.accept(tensor);
        graph.addInitializer(tensor);
        return tensor.getName();
    }

    /** Convolution, batch norm with the unit's epsilon, SiLU when the unit has it. */
    String convBnAct(String input, ConvBnAct conv) {
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

    /** A 1x1 convolution with bias. */
    String conv1x1(String x, Parameter weight, Parameter bias) {
        return node(
                "Conv",
                List.of(x, weight(weight), weight(bias)),
                Map.of("kernel_shape", List.of(1L, 1L)));
    }

    String silu(String x) {
        String gate = node("Sigmoid", List.of(x), Map.of());
        return node("Mul", List.of(x, gate), Map.of());
    }

    byte[] model(int opset, String producerVersion, String doc) {
        return ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                .setProducerName("pillsnap-trainer")
                .setProducerVersion(producerVersion)
                .setDocString(doc)
                .setGraph(graph)
                .build()
                .toByteArray();
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
