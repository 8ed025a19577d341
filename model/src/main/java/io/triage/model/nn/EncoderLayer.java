package io.triage.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.triage.model.config.DisentangledAttention;
import io.triage.model.config.EncoderConfig;

/**
 * One post-LayerNorm transformer layer with Hugging Face BertLayer semantics:
 * {@code h = LN(x + Attn(x)); out = LN(h + W2·gelu(W1·h))}, exact erf GELU, additive attention mask.
 * DeBERTa-v2's layer is the same but for its tensor names ({@code query_proj}) and its disentangled attention:
 * the content scores plus the c2p and p2c terms ({@link DisentangledBias}), all over {@code sqrt(d × terms)}.
 * Inputs: hidden [B,S,H], mask bias [B,1,1,S] in the hidden dtype; for DeBERTa's relative attention also the
 * relative embeddings [2·span,H] and the c2p and p2c indexes [S,S]. Output: hidden [B,S,H].
 */
final class EncoderLayer extends NamedBlock {
    private final EncoderConfig config;
    private final DisentangledAttention disentangled;
    private final Shape hiddenShape;
    private final Parameter qW, qB, kW, kB, vW, vB, oW, oB, ln1G, ln1B, upW, upB, downW, downB, ln2G, ln2B;
    /** DeBERTa's separate position projections ({@code share_att_key: false}); {@code null} otherwise. */
    private final Parameter posKeyW, posKeyB, posQueryW, posQueryB;

    EncoderLayer(EncoderConfig config) {
        this.config = config;
        this.disentangled = config.disentangled();
        int h = config.hiddenSize();
        int f = config.intermediateSize();
        hiddenShape = new Shape(h);
        String suffix = disentangled == null ? "" : "_proj";
        qW = weight("attention.self.query" + suffix + ".weight", new Shape(h, h));
        qB = bias("attention.self.query" + suffix + ".bias", hiddenShape);
        kW = weight("attention.self.key" + suffix + ".weight", new Shape(h, h));
        kB = bias("attention.self.key" + suffix + ".bias", hiddenShape);
        vW = weight("attention.self.value" + suffix + ".weight", new Shape(h, h));
        vB = bias("attention.self.value" + suffix + ".bias", hiddenShape);
        boolean separate = disentangled != null && disentangled.relative() && !disentangled.shareAttKey();
        boolean posKey = separate && disentangled.c2p();
        boolean posQuery = separate && disentangled.p2c();
        posKeyW = posKey ? weight("attention.self.pos_key_proj.weight", new Shape(h, h)) : null;
        posKeyB = posKey ? bias("attention.self.pos_key_proj.bias", hiddenShape) : null;
        posQueryW = posQuery ? weight("attention.self.pos_query_proj.weight", new Shape(h, h)) : null;
        posQueryB = posQuery ? bias("attention.self.pos_query_proj.bias", hiddenShape) : null;
        oW = weight("attention.output.dense.weight", new Shape(h, h));
        oB = bias("attention.output.dense.bias", hiddenShape);
        ln1G = gamma("attention.output.LayerNorm.weight", hiddenShape);
        ln1B = bias("attention.output.LayerNorm.bias", hiddenShape);
        upW = weight("intermediate.dense.weight", new Shape(f, h));
        upB = bias("intermediate.dense.bias", new Shape(f));
        downW = weight("output.dense.weight", new Shape(h, f));
        downB = bias("output.dense.bias", hiddenShape);
        ln2G = gamma("output.LayerNorm.weight", hiddenShape);
        ln2B = bias("output.LayerNorm.bias", hiddenShape);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.get(0);
        NDArray maskBias = inputs.get(1);
        long b = x.getShape().get(0);
        long s = x.getShape().get(1);
        int heads = config.numHeads();
        int d = config.headSize();

        NDArray q = dense(ps, x, qW, qB, training).reshape(b, s, heads, d).transpose(0, 2, 1, 3);
        NDArray k = dense(ps, x, kW, kB, training).reshape(b, s, heads, d).transpose(0, 2, 1, 3);
        NDArray v = dense(ps, x, vW, vB, training).reshape(b, s, heads, d).transpose(0, 2, 1, 3);
        float scale = 1f / (float) Math.sqrt((double) d * (disentangled == null ? 1 : disentangled.scaleFactor()));
        NDArray probs = q.matMul(k.transpose(0, 1, 3, 2)).muli(scale);
        if (inputs.size() > 2) {
            probs = probs.addi(relativeScores(ps, inputs, q, k, scale, training));
        }
        probs = softmax(probs.addi(maskBias));
        probs = Dropout.dropout(probs, config.attentionDropout(), training).head();
        NDArray context = probs.matMul(v).transpose(0, 2, 1, 3).reshape(b, s, config.hiddenSize());

        NDArray attended = dropout(dense(ps, context, oW, oB, training), training);
        NDArray h = norm(ps, attended.addi(x), ln1G, ln1B, training);
        NDArray up = Activation.gelu(dense(ps, h, upW, upB, training));
        NDArray down = dropout(dense(ps, up, downW, downB, training), training);
        return new NDList(norm(ps, down.addi(h), ln2G, ln2B, training));
    }

    /** DeBERTa's c2p and p2c terms, the relative embeddings projected per head [heads,2·span,d]. */
    private NDArray relativeScores(ParameterStore ps, NDList inputs, NDArray q, NDArray k, float scale,
            boolean training) {
        NDArray rel = Dropout.dropout(inputs.get(2), config.hiddenDropout(), training).head(); // pos_dropout
        boolean shared = disentangled.shareAttKey();
        NDArray posKey = disentangled.c2p() ? perHead(shared ? dense(ps, rel, kW, kB, training)
                : dense(ps, rel, posKeyW, posKeyB, training)) : null;
        NDArray posQuery = disentangled.p2c() ? perHead(shared ? dense(ps, rel, qW, qB, training)
                : dense(ps, rel, posQueryW, posQueryB, training)) : null;
        return DisentangledBias.scores(q, k, posKey, posQuery, inputs.get(3), inputs.get(4), scale);
    }

    /** [R,H] → [heads,R,d]. */
    private NDArray perHead(NDArray projected) {
        long rows = projected.getShape().get(0);
        return projected.reshape(rows, config.numHeads(), config.headSize()).transpose(1, 0, 2);
    }

    private static NDArray dense(ParameterStore ps, NDArray x, Parameter w, Parameter b, boolean training) {
        return Linear.linear(x, value(ps, w, x, training), value(ps, b, x, training)).head();
    }

    private NDArray norm(ParameterStore ps, NDArray x, Parameter g, Parameter b, boolean training) {
        return layerNorm(x, hiddenShape, value(ps, g, x, training), value(ps, b, x, training), config.layerNormEps());
    }

    private NDArray dropout(NDArray x, boolean training) {
        return Dropout.dropout(x, config.hiddenDropout(), training).head();
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        // no children: all parameters are direct and shaped at construction
    }
}
