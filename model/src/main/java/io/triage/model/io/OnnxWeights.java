package io.triage.model.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.CodedInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the weights of a Hugging Face BertModel exported to ONNX, under their Hugging Face names.
 *
 * <p>Exporters keep the names of embeddings, biases and LayerNorms, but the linear weights become anonymous
 * {@code onnx::MatMul_N} initializers in [in,out] layout. Those are named after the MatMul node that
 * consumes them ({@code /encoder/layer.3/attention/self/query/MatMul →
 * encoder.layer.3.attention.self.query.weight}) and transposed to PyTorch's [out,in].
 */
public final class OnnxWeights {
    private static final Pattern MATMUL_NODE = Pattern.compile("^/(.+)/MatMul$");

    private OnnxWeights() {}

    /** All float weights of the model, as arrays owned by {@code manager}. */
    public static Map<String, NDArray> read(InputStream onnx, NDManager manager) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(onnx);
        in.setSizeLimit(Integer.MAX_VALUE); // protobuf's 64 MB default is below MiniLM's 91 MB
        GraphProto graph = ModelProto.parseFrom(in).getGraph();

        Map<String, TensorProto> initializers = new HashMap<>();
        graph.getInitializerList().forEach(t -> initializers.put(t.getName(), t));

        Map<String, NDArray> out = new LinkedHashMap<>();
        for (TensorProto t : graph.getInitializerList()) {
            if (!t.getName().startsWith("onnx::") && t.getDataType() == TensorProto.DataType.FLOAT_VALUE) {
                out.put(t.getName(), toArray(t, manager));
            }
        }
        for (NodeProto node : graph.getNodeList()) {
            TensorProto w = node.getOpType().equals("MatMul") && node.getInputCount() == 2
                    ? initializers.get(node.getInput(1))
                    : null;
            if (w == null) {
                continue; // activation × activation (attention scores) or not a MatMul
            }
            Matcher m = MATMUL_NODE.matcher(node.getName());
            if (!m.matches()) {
                throw new IOException("cannot name the weight of MatMul node '" + node.getName() + "'");
            }
            NDArray inOut = toArray(w, manager);
            out.put(m.group(1).replace('/', '.') + ".weight", inOut.transpose().duplicate());
            inOut.close();
        }
        return out;
    }

    private static NDArray toArray(TensorProto t, NDManager manager) {
        long[] dims = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        Shape shape = new Shape(dims);
        if (t.getFloatDataCount() > 0) {
            float[] data = new float[t.getFloatDataCount()];
            for (int i = 0; i < data.length; i++) {
                data[i] = t.getFloatData(i);
            }
            return manager.create(data, shape);
        }
        FloatBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        float[] data = new float[raw.remaining()];
        raw.get(data);
        return manager.create(data, shape);
    }
}
