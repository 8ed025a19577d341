package io.triage.model.onnx;

import ai.djl.nn.Parameter;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import io.triage.model.ClassifierModel;
import io.triage.model.config.ClassifierConfig;
import io.triage.model.config.EncoderConfig;
import io.triage.model.config.Pooling;

import java.util.Map;

/**
 * The ONNX graph of a loaded classifier, built from its own weights: the same computation as the
 * {@code SequenceClassifier} block (embeddings, post-LN layers, pooling, head; BERT, RoBERTa and DistilBERT
 * position and token-type rules), with each layer on ONNX Runtime's fused CPU kernels: {@code Attention} (one
 * packed Q·K·V projection, masked softmax), {@code SkipLayerNormalization} (residual + bias + LayerNorm) and
 * {@code BiasGelu} (bias + exact erf GELU). A first-token classifier's last layer is computed for the first token
 * alone, the only one its pooling keeps.
 *
 * <p>Inputs {@code input_ids}, {@code token_type_ids}, {@code attention_mask}, each [batch, sequence] int64, as the
 * tokenizer's batches hold them; output {@code logits} [batch, labels] float32.
 */
public final class ClassifierGraph {
    public static final String INPUT_IDS = "input_ids";
    public static final String TOKEN_TYPE_IDS = "token_type_ids";
    public static final String ATTENTION_MASK = "attention_mask";
    public static final String LOGITS = "logits";

    /** How each layer's self-attention is expressed. */
    public enum AttentionForm {
        /** ONNX Runtime's fused {@code Attention}, given the raw [batch, sequence] 0/1 mask as int32. */
        FUSED_2D_MASK,
        /** The fused {@code Attention}, given each row's key count, [batch] int32 (right padding). */
        FUSED_KEY_LENGTHS,
        /** Standard operators: Q, K, V MatMuls, scaled scores plus a mask bias, Softmax, MatMul with V. */
        UNFUSED
    }

    /** How the embeddings are looked up, summed and normalized. */
    public enum EmbeddingForm {
        /** Gathers, Adds and a {@code LayerNormalization}. */
        STANDARD,
        /** ONNX Runtime's {@code EmbedLayerNormalization}: the lookups, the sum and the LayerNorm in one kernel. */
        FUSED
    }

    private final ClassifierConfig config;
    private final EncoderConfig encoder;
    private final Map<String, Parameter> weights;
    private final OnnxGraph graph;
    private final AttentionForm attention;
    private final EmbeddingForm embedding;

    private ClassifierGraph(ClassifierModel model, AttentionForm attention, EmbeddingForm embedding) {
        this.attention = attention;
        this.embedding = embedding;
        this.config = model.config();
        this.encoder = config.encoder();
        this.weights = model.namedParameters();
        this.graph = new OnnxGraph(config.name());
    }

    /**
     * The serialized ONNX model of {@code model}'s current weights (read from wherever they live), its fused
     * attention given the 2-D mask (the other forms won no consistent A/B: docs/benchmarks.md).
     */
    public static byte[] export(ClassifierModel model) {
        return export(model, AttentionForm.FUSED_2D_MASK);
    }

    /** {@link #export(ClassifierModel)} with each layer's attention in the given form. */
    public static byte[] export(ClassifierModel model, AttentionForm attention) {
        return export(model, attention, EmbeddingForm.STANDARD);
    }

    /** {@link #export(ClassifierModel)} with each layer's attention and the embeddings in the given forms. */
    public static byte[] export(ClassifierModel model, AttentionForm attention, EmbeddingForm embedding) {
        ClassifierGraph g = new ClassifierGraph(model, attention, embedding);
        g.build();
        return g.graph.toModelBytes();
    }

    private void build() {
        String ids = graph.input(INPUT_IDS, DataType.INT64, "batch", "sequence");
        String types = graph.input(TOKEN_TYPE_IDS, DataType.INT64, "batch", "sequence");
        String mask = graph.input(ATTENTION_MASK, DataType.INT64, "batch", "sequence");

        String x = embedding == EmbeddingForm.FUSED ? fusedEmbeddings(ids, types) : embeddings(ids, types);
        String maskIndex = attention == AttentionForm.UNFUSED ? maskBias(mask)
                : graph.node("", "Cast", mask).attr("to", DataType.INT32_VALUE).output();
        if (attention == AttentionForm.FUSED_KEY_LENGTHS) { // the tokenizer pads on the right, so a row's count is its end
            maskIndex = graph.node("", "ReduceSum", maskIndex, graph.longs("mask_axis1_1d", new long[] {1}, 1))
                    .attr("keepdims", 0L).output();
        }
        boolean firstTokenOnly = config.pooling() == Pooling.FIRST_TOKEN;
        int fullLayers = firstTokenOnly ? encoder.numLayers() - 1 : encoder.numLayers();
        for (int l = 0; l < fullLayers; l++) {
            x = layer("encoder.layer." + l + ".", x, maskIndex);
        }
        if (firstTokenOnly) {
            x = firstTokenLayer("encoder.layer." + fullLayers + ".", x,
                    attention == AttentionForm.UNFUSED ? maskIndex : maskBias(mask));
        }
        graph.output(head(pool(x, mask)), LOGITS, DataType.FLOAT, "batch", "labels");
    }

    /** Word + position (+ token type) embeddings, then LayerNorm: [B,S,H]. */
    private String embeddings(String ids, String types) {
        int h = encoder.hiddenSize();
        String x = graph.op("Gather", matrix("embeddings.word_embeddings.weight"), ids);
        x = graph.op("Add", x, positions(ids));
        if (encoder.usesTokenTypes()) {
            x = graph.op("Add", x, graph.op("Gather", matrix("embeddings.token_type_embeddings.weight"), types));
        } else if (encoder.typeVocabSize() > 0) {
            // RoBERTa's single token type: Hugging Face feeds zeros, so every token gets row 0
            float[] row0 = java.util.Arrays.copyOf(values("embeddings.token_type_embeddings.weight"), h);
            x = graph.op("Add", x, graph.floats("embeddings.token_type_embeddings.row0", row0, h));
        }
        return graph.node("", "LayerNormalization", x, vector("embeddings.LayerNorm.weight"),
                        vector("embeddings.LayerNorm.bias"))
                .attr("axis", -1L).attr("epsilon", encoder.layerNormEps()).output();
    }

    /**
     * The same as {@link #embeddings} in ONNX Runtime's {@code EmbedLayerNormalization}. RoBERTa's single token-type
     * row is folded into its position table, since every token adds both; BERT's positions are the kernel's own
     * 0..S-1.
     */
    private String fusedEmbeddings(String ids, String types) {
        String positionTable = "embeddings.position_embeddings.weight";
        long[] positionShape = weights.get(positionTable).getArray().getShape().getShape();
        float[] positions = values(positionTable);
        String segmentIds = "";
        String segmentTable = "";
        if (encoder.usesTokenTypes()) {
            segmentIds = int32(types);
            segmentTable = matrix("embeddings.token_type_embeddings.weight");
        } else if (encoder.typeVocabSize() > 0) {
            float[] row0 = values("embeddings.token_type_embeddings.weight");
            for (int i = 0; i < positions.length; i++) {
                positions[i] += row0[i % encoder.hiddenSize()];
            }
        }
        String positionIds = encoder.modelType().positionsAfterPadding() ? int32(positionIdsAfterPadding(ids)) : "";
        String[] inputs = {int32(ids), segmentIds, matrix("embeddings.word_embeddings.weight"),
            graph.floats(positionTable + ".fused", positions, positionShape), segmentTable,
            vector("embeddings.LayerNorm.weight"), vector("embeddings.LayerNorm.bias"), "", positionIds};
        int used = positionIds.isEmpty() ? 7 : inputs.length; // absent optional inputs at the end are left off
        return graph.node(OnnxGraph.MICROSOFT, "EmbedLayerNormalization", java.util.Arrays.copyOf(inputs, used))
                .attr("epsilon", encoder.layerNormEps())
                .attr("mask_index_type", 0L) // no mask index output: the layers take the 2-D mask
                .output();
    }

    private String int32(String int64) {
        return graph.node("", "Cast", int64).attr("to", DataType.INT32_VALUE).output();
    }

    /** BERT: rows 0..S-1 of the position table, [S,H]; RoBERTa: the rows of {@link #positionIdsAfterPadding}. */
    private String positions(String ids) {
        String table = matrix("embeddings.position_embeddings.weight");
        if (!encoder.modelType().positionsAfterPadding()) {
            String seqLen = graph.node("", "Shape", ids).attr("start", 1L).attr("end", 2L).output();
            return graph.op("Slice", table, graph.longs("zero_1d", new long[] {0}, 1), seqLen,
                    graph.longs("axis0_1d", new long[] {0}, 1));
        }
        return graph.op("Gather", table, positionIdsAfterPadding(ids));
    }

    /** RoBERTa's position ids, [B,S] int64: {@code pad + cumsum(not pad)} over non-padding, {@code pad} on padding. */
    private String positionIdsAfterPadding(String ids) {
        String pad = graph.longs("pad_id", new long[] {encoder.padTokenId()});
        String notPad = graph.node("", "Cast", graph.op("Not", graph.op("Equal", ids, pad)))
                .attr("to", DataType.INT64_VALUE).output();
        String counted = graph.op("CumSum", notPad, graph.longs("axis1", new long[] {1}));
        return graph.op("Add", graph.op("Mul", counted, notPad), pad);
    }

    /** One post-LN layer on ONNX Runtime's fused kernels. */
    private String layer(String p, String x, String maskIndex) {
        String attended = attention == AttentionForm.UNFUSED ? unfusedAttention(p, x, x, maskIndex)
                : fusedAttention(p, x, maskIndex);
        return outputAndFeedForward(p, attended, x);
    }

    /**
     * The last layer of a first-token classifier, for the first token only: [B,1,H]. Its query attends to every
     * token's key and value, and the rest of the layer (output projection, feed-forward, both LayerNorms) works
     * on each token alone, so the other tokens' rows, which the pooling drops, are never computed: about 5/6 of
     * the layer's work.
     */
    private String firstTokenLayer(String p, String x, String maskBias) {
        String first = graph.op("Slice", x, graph.longs(p + "first_token.start", new long[] {0}, 1),
                graph.longs(p + "first_token.end", new long[] {1}, 1),
                graph.longs(p + "first_token.axis", new long[] {1}, 1));
        return outputAndFeedForward(p, unfusedAttention(p, first, x, maskBias), first);
    }

    /** The attention output projection, then the feed-forward block, each with its residual and LayerNorm. */
    private String outputAndFeedForward(String p, String attended, String residual) {
        String projected = graph.op("MatMul", attended, transposed(p + "attention.output.dense.weight"));
        String norm1 = skipNorm(projected, residual, p + "attention.output.LayerNorm",
                p + "attention.output.dense.bias");
        String up = graph.op("MatMul", norm1, transposed(p + "intermediate.dense.weight"));
        String gelu = graph.node(OnnxGraph.MICROSOFT, "BiasGelu", up, vector(p + "intermediate.dense.bias")).output();
        String down = graph.op("MatMul", gelu, transposed(p + "output.dense.weight"));
        return skipNorm(down, norm1, p + "output.LayerNorm", p + "output.dense.bias");
    }

    /** [B,1,1,S] float: 0 where the key is a token, -10000 where it is padding. */
    private String maskBias(String mask) {
        String keep = graph.node("", "Cast", mask).attr("to", DataType.FLOAT_VALUE).output();
        String padding = graph.op("Sub", graph.floats("one", new float[] {1f}), keep);
        String bias = graph.op("Mul", padding, graph.floats("mask_penalty", new float[] {-10000f}));
        return graph.op("Unsqueeze", bias, graph.longs("axes_1_2", new long[] {1, 2}, 2));
    }

    /**
     * Attention on standard operators, {@code queries}' rows attending to {@code x}'s: softmax(Q·Kᵀ/√d + mask
     * bias)·V per head, heads merged: [B,Q,H] for queries [B,Q,H].
     */
    private String unfusedAttention(String p, String queries, String x, String maskBias) {
        int h = encoder.hiddenSize();
        long heads = encoder.numHeads();
        String split = graph.longs(p + "attention.heads_shape", new long[] {0, 0, heads, h / heads}, 4);
        String q = heads(p, "query", queries, split, new long[] {0, 2, 1, 3});
        String k = heads(p, "key", x, split, new long[] {0, 2, 3, 1});
        String v = heads(p, "value", x, split, new long[] {0, 2, 1, 3});
        String scores = graph.op("Mul", graph.op("MatMul", q, k),
                graph.floats(p + "attention.scale", new float[] {(float) (1 / Math.sqrt((double) h / heads))}));
        String probs = graph.node("", "Softmax", graph.op("Add", scores, maskBias)).attr("axis", -1L).output();
        String merged = graph.node("", "Transpose", graph.op("MatMul", probs, v))
                .attr("perm", new long[] {0, 2, 1, 3}).output();
        return graph.op("Reshape", merged, graph.longs(p + "attention.merged_shape", new long[] {0, 0, h}, 3));
    }

    /** One projection split into heads and laid out by {@code perm}: [B,heads,S,d] (or [B,heads,d,S] for K). */
    private String heads(String p, String part, String x, String split, long[] perm) {
        String w = p + "attention.self." + part;
        String projected = graph.op("Add", graph.op("MatMul", x, transposed(w + ".weight")), vector(w + ".bias"));
        return graph.node("", "Transpose", graph.op("Reshape", projected, split)).attr("perm", perm).output();
    }

    /** ONNX Runtime's fused {@code Attention}: one packed Q·K·V projection and the masked softmax in one kernel. */
    private String fusedAttention(String p, String x, String maskIndex) {
        int h = encoder.hiddenSize();
        float[] qkv = new float[h * 3 * h];
        float[] qkvBias = new float[3 * h];
        String[] parts = {"query", "key", "value"};
        for (int part = 0; part < 3; part++) {
            float[] w = values(p + "attention.self." + parts[part] + ".weight"); // [out=h, in=h]
            for (int out = 0; out < h; out++) {
                for (int in = 0; in < h; in++) {
                    qkv[in * 3 * h + part * h + out] = w[out * h + in];
                }
            }
            System.arraycopy(values(p + "attention.self." + parts[part] + ".bias"), 0, qkvBias, part * h, h);
        }
        return graph.node(OnnxGraph.MICROSOFT, "Attention", x, graph.floats(p + "attention.qkv.weight", qkv, h, 3L * h),
                        graph.floats(p + "attention.qkv.bias", qkvBias, 3L * h), maskIndex)
                .attr("num_heads", (long) encoder.numHeads()).output();
    }

    /** {@code LayerNorm(input + bias + skip)} in one kernel. */
    private String skipNorm(String input, String skip, String norm, String bias) {
        return graph.node(OnnxGraph.MICROSOFT, "SkipLayerNormalization", input, skip, vector(norm + ".weight"),
                        vector(norm + ".bias"), vector(bias))
                .attr("epsilon", encoder.layerNormEps()).output();
    }

    /** [B,H]: the first token's state, or the mask-weighted mean of all states. */
    private String pool(String hidden, String mask) {
        if (config.pooling() == Pooling.FIRST_TOKEN) {
            return graph.node("", "Gather", hidden, graph.longs("first_token", new long[] {0})).attr("axis", 1L).output();
        }
        String weights = graph.node("", "Cast", mask).attr("to", DataType.FLOAT_VALUE).output();
        String axis1 = graph.longs("axis1_1d", new long[] {1}, 1);
        String summed = graph.node("", "ReduceSum", graph.op("Mul", hidden,
                graph.op("Unsqueeze", weights, graph.longs("axis2_1d", new long[] {2}, 1))), axis1)
                .attr("keepdims", 0L).output();
        String counts = graph.node("", "ReduceSum", weights, axis1).attr("keepdims", 1L).output();
        return graph.op("Div", summed, graph.op("Max", counts, graph.floats("min_count", new float[] {1e-9f})));
    }

    /** The classification head: dense → activation → out_proj (dropout is off at inference). */
    private String head(String pooled) {
        String dense = graph.node("", "Gemm", pooled, matrix("classifier.dense.weight"), vector("classifier.dense.bias"))
                .attr("transB", 1L).output();
        String activated = switch (config.head().activation()) {
            case TANH -> graph.op("Tanh", dense);
            case RELU -> graph.op("Relu", dense);
            case GELU -> graph.node(OnnxGraph.MICROSOFT, "Gelu", dense).output(); // exact erf GELU
        };
        return graph.node("", "Gemm", activated, matrix("classifier.out_proj.weight"), vector("classifier.out_proj.bias"))
                .attr("transB", 1L).output();
    }

    /** A weight as stored, [rows, columns]. */
    private String matrix(String name) {
        long[] shape = weights.get(name).getArray().getShape().getShape();
        return graph.floats(name, values(name), shape);
    }

    private String vector(String name) {
        float[] v = values(name);
        return graph.floats(name, v, v.length);
    }

    /** A linear layer's [out,in] weight as MatMul's [in,out]. */
    private String transposed(String name) {
        long[] shape = weights.get(name).getArray().getShape().getShape();
        int out = (int) shape[0];
        int in = (int) shape[1];
        float[] w = values(name);
        float[] t = new float[w.length];
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                t[i * out + o] = w[o * in + i];
            }
        }
        return graph.floats(name + ".T", t, in, out);
    }

    private float[] values(String name) {
        Parameter p = weights.get(name);
        if (p == null) {
            throw new IllegalStateException("the classifier has no weight " + name);
        }
        return p.getArray().toFloatArray(); // weights are stored in fp32 whatever the serving precision
    }
}
