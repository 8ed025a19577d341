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

/**
 * The classifier on top of the encoder — Hugging Face's RobertaClassificationHead:
 * {@code pooled → dropout → dense → tanh → dropout → out_proj}. Input [B,H], output logits [B,labels].
 */
public final class ClassificationHead extends NamedBlock {
    private final float dropout;
    private final Parameter denseW, denseB, outW, outB;

    public ClassificationHead(int hiddenSize, int numLabels, float dropout) {
        this.dropout = dropout;
        denseW = weight("dense.weight", new Shape(hiddenSize, hiddenSize));
        denseB = bias("dense.bias", new Shape(hiddenSize));
        outW = weight("out_proj.weight", new Shape(numLabels, hiddenSize));
        outB = bias("out_proj.bias", new Shape(numLabels));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = Dropout.dropout(inputs.head(), dropout, training).head();
        x = Activation.tanh(Linear.linear(x, value(ps, denseW, x, training), value(ps, denseB, x, training)).head());
        x = Dropout.dropout(x, dropout, training).head();
        return Linear.linear(x, value(ps, outW, x, training), value(ps, outB, x, training));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        // no children
    }
}
