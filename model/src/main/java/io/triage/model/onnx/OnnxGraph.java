package io.triage.model.onnx;

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

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A small builder over the ONNX protobuf classes (tribuo-util-onnx's, generated from the official onnx.proto):
 * graph inputs, float and int64 initializers, nodes with generated output names, graph outputs. Every node of the
 * default domain is at {@link #OPSET}; {@link #MICROSOFT} nodes are ONNX Runtime's contrib operators.
 */
final class OnnxGraph {
    /** ai.onnx opset: LayerNormalization is standard from 17; ONNX Runtime 1.21+ runs it. */
    static final int OPSET = 17;
    /** The domain of ONNX Runtime's fused contrib operators (Attention, SkipLayerNormalization, BiasGelu). */
    static final String MICROSOFT = "com.microsoft";
    private static final long IR_VERSION = 8;

    private final GraphProto.Builder graph = GraphProto.newBuilder();
    private int nextId;

    OnnxGraph(String name) {
        graph.setName(name);
    }

    /** A graph input of the given element type with named symbolic dimensions, e.g. {@code [batch, sequence]}. */
    String input(String name, TensorProto.DataType type, String... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (String d : dims) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(d));
        }
        graph.addInput(ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape))));
        return name;
    }

    /** Marks {@code value} as a graph output named {@code name} (through an Identity). */
    void output(String value, String name, TensorProto.DataType type, String... dims) {
        graph.addNode(NodeProto.newBuilder().setOpType("Identity").setName(name).addInput(value).addOutput(name));
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (String d : dims) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(d));
        }
        graph.addOutput(ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape))));
    }

    /** A float32 initializer, stored little-endian as raw data. */
    String floats(String name, float[] values, long... dims) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(values);
        graph.addInitializer(TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addAllDims(boxed(dims)).setRawData(ByteString.copyFrom(raw.array())));
        return name;
    }

    /** An int64 initializer; no dims makes a scalar. */
    String longs(String name, long[] values, long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64_VALUE)
                .addAllDims(boxed(dims));
        for (long v : values) {
            t.addInt64Data(v);
        }
        graph.addInitializer(t);
        return name;
    }

    /** A node of the default domain; returns its one output's name. */
    String op(String opType, String... inputs) {
        return node("", opType, inputs).output();
    }

    /** A node of {@code domain} to add attributes to before {@link Node#output()}. */
    Node node(String domain, String opType, String... inputs) {
        String name = opType + "_" + nextId++;
        NodeProto.Builder node = NodeProto.newBuilder().setOpType(opType).setName(name).setDomain(domain);
        for (String in : inputs) {
            node.addInput(in);
        }
        node.addOutput(name + "_out");
        return new Node(node);
    }

    /** The serialized model: this graph with the opsets it imports. */
    byte[] toModelBytes() {
        return ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName("triage")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(MICROSOFT).setVersion(1))
                .setGraph(graph)
                .build()
                .toByteArray();
    }

    private static Iterable<Long> boxed(long[] dims) {
        return java.util.Arrays.stream(dims).boxed().toList();
    }

    /** A node being built: attributes, then {@link #output()} adds it to the graph. */
    final class Node {
        private final NodeProto.Builder node;

        private Node(NodeProto.Builder node) {
            this.node = node;
        }

        Node attr(String name, long value) {
            node.addAttribute(AttributeProto.newBuilder().setName(name)
                    .setType(AttributeProto.AttributeType.INT).setI(value));
            return this;
        }

        Node attr(String name, long[] values) {
            node.addAttribute(AttributeProto.newBuilder().setName(name)
                    .setType(AttributeProto.AttributeType.INTS).addAllInts(boxed(values)));
            return this;
        }

        Node attr(String name, float value) {
            node.addAttribute(AttributeProto.newBuilder().setName(name)
                    .setType(AttributeProto.AttributeType.FLOAT).setF(value));
            return this;
        }

        String output() {
            graph.addNode(node);
            return node.getOutput(0);
        }
    }
}
