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
import io.triage.model.config.HeadType;

/**
 * The classifier on top of the encoder, as the checkpoint's {@link HeadType} defines it: two linear layers with
 * the head's activation between them, e.g. RoBERTa's {@code dropout → dense → tanh → dropout → out_proj} or
 * DistilBERT's {@code pre_classifier → ReLU → dropout → classifier}. Input [B,H], output logits [B,labels].
 * Its parameters carry the canonical names {@code dense.*} and {@code out_proj.*}.
 */
public final class ClassificationHead extends NamedBlock {
    private final HeadType type;
    private final float dropout;
    private final Parameter denseW, denseB, outW, outB;

    public ClassificationHead(HeadType type, int hiddenSize, int numLabels, float dropout) {
        this.type = type;
        this.dropout = dropout;
        denseW = weight("dense.weight", new Shape(hiddenSize, hiddenSize));
        denseB = bias("dense.bias", new Shape(hiddenSize));
        outW = weight("out_proj.weight", new Shape(numLabels, hiddenSize));
        outB = bias("out_proj.bias", new Shape(numLabels));
    }

    public HeadType type() {
        return type;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.head();
        if (type.dropoutFirst()) {
            x = Dropout.dropout(x, dropout, training).head();
        }
        x = activate(Linear.linear(x, value(ps, denseW, x, training), value(ps, denseB, x, training)).head());
        x = Dropout.dropout(x, dropout, training).head();
        return Linear.linear(x, value(ps, outW, x, training), value(ps, outB, x, training));
    }

    private NDArray activate(NDArray x) {
        return switch (type.activation()) {
            case TANH -> Activation.tanh(x);
            case RELU -> Activation.relu(x);
            case GELU -> Activation.gelu(x); // exact (erf) GELU on PyTorch, as the encoder's
        };
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        // no children
    }
}
