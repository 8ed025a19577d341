package io.triage.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.triage.model.config.ClassifierConfig;
import io.triage.model.config.Pooling;

import java.util.Map;

/**
 * Encoder → pooling → classification head. Inputs as {@link TransformerEncoder}; output logits [B,labels].
 *
 * <p>Tensor names are canonical Hugging Face names: the encoder's own ({@code embeddings.*}, {@code encoder.layer.*})
 * and {@code classifier.dense.*}, {@code classifier.out_proj.*} for the head, whatever its {@code HeadType}
 * (which maps them to the checkpoint's names, e.g. BERT's {@code bert.pooler.dense}, {@code classifier}).
 */
public final class SequenceClassifier extends NamedBlock {
    public static final String HEAD_PREFIX = "classifier.";

    private final TransformerEncoder encoder;
    private final ClassificationHead head;
    private final Pooling pooling;

    public SequenceClassifier(ClassifierConfig config) {
        encoder = child("encoder", new TransformerEncoder(config.encoder()));
        head = child("classifier", new ClassificationHead(
                config.head(), config.encoder().hiddenSize(), config.numLabels(), config.headDropout()));
        pooling = config.pooling();
    }

    public TransformerEncoder encoder() {
        return encoder;
    }

    public ClassificationHead head() {
        return head;
    }

    /** Every parameter by its Hugging Face name (the encoder's names carry no prefix). */
    public Map<String, Parameter> namedParameters() {
        Map<String, Parameter> all = encoder.namedParameters("");
        all.putAll(head.namedParameters(HEAD_PREFIX));
        return all;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray hidden = encoder.forward(ps, inputs, training).head();
        return head.forward(ps, new NDList(pool(hidden, inputs.get(2))), training);
    }

    /**
     * Logits [B,labels] from word embeddings [B,S,H] given in place of the ids' own (see
     * {@link TransformerEncoder#forwardEmbedded}); no dropout. The entry gradient attributions take.
     */
    public NDArray logitsFromEmbeddings(ParameterStore ps, NDArray words, NDList inputs) {
        NDArray hidden = encoder.forwardEmbedded(ps, words, inputs, false).head();
        return head.forward(ps, new NDList(pool(hidden, inputs.get(2))), false).head();
    }

    /** Features the head sees: [B,H]. Feature-extraction training caches exactly these. */
    public NDArray pool(NDArray hidden, NDArray mask) {
        if (pooling == Pooling.FIRST_TOKEN) {
            return hidden.get(":, 0, :");
        }
        NDArray weights = mask.toType(hidden.getDataType(), false).expandDims(2);
        NDArray counts = weights.sum(new int[] {1}).maximum(1e-9f);
        return hidden.mul(weights).sum(new int[] {1}).div(counts);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        encoder.initialize(manager, dataType, inputShapes);
        head.initialize(manager, dataType, new Shape(inputShapes[0].get(0), encoder.config().hiddenSize()));
    }
}
