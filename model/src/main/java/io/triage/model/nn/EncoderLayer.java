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
import io.triage.model.config.EncoderConfig;

/**
 * One post-LayerNorm transformer layer with Hugging Face BertLayer semantics:
 * {@code h = LN(x + Attn(x)); out = LN(h + W2·gelu(W1·h))}, exact erf GELU, additive attention mask.
 * Inputs: hidden [B,S,H], mask bias [B,1,1,S] in the hidden dtype. Output: hidden [B,S,H].
 */
final class EncoderLayer extends NamedBlock {
    private final EncoderConfig config;
    private final Shape hiddenShape;
    private final Parameter qW, qB, kW, kB, vW, vB, oW, oB, ln1G, ln1B, upW, upB, downW, downB, ln2G, ln2B;

    EncoderLayer(EncoderConfig config) {
        this.config = config;
        int h = config.hiddenSize();
        int f = config.intermediateSize();
        hiddenShape = new Shape(h);
        qW = weight("attention.self.query.weight", new Shape(h, h));
        qB = bias("attention.self.query.bias", hiddenShape);
        kW = weight("attention.self.key.weight", new Shape(h, h));
        kB = bias("attention.self.key.bias", hiddenShape);
        vW = weight("attention.self.value.weight", new Shape(h, h));
        vB = bias("attention.self.value.bias", hiddenShape);
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
        NDArray k = dense(ps, x, kW, kB, training).reshape(b, s, heads, d).transpose(0, 2, 3, 1);
        NDArray v = dense(ps, x, vW, vB, training).reshape(b, s, heads, d).transpose(0, 2, 1, 3);
        NDArray probs = q.matMul(k).muli(1f / (float) Math.sqrt(d)).addi(maskBias);
        probs = softmax(probs);
        probs = Dropout.dropout(probs, config.attentionDropout(), training).head();
        NDArray context = probs.matMul(v).transpose(0, 2, 1, 3).reshape(b, s, config.hiddenSize());

        NDArray attended = dropout(dense(ps, context, oW, oB, training), training);
        NDArray h = norm(ps, attended.addi(x), ln1G, ln1B, training);
        NDArray up = Activation.gelu(dense(ps, h, upW, upB, training));
        NDArray down = dropout(dense(ps, up, downW, downB, training), training);
        return new NDList(norm(ps, down.addi(h), ln2G, ln2B, training));
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
