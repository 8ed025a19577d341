package io.triage.model.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.jni.JniUtils;
import io.triage.model.ClassifierModel;
import io.triage.model.text.Encoded;
import io.triage.model.text.EncodedBatch;
import io.triage.model.text.TextInput;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Batched inference: texts in, label + per-class probabilities + model version out.
 *
 * <p>Every call runs in its own {@link NDManager} scope, so all intermediate tensors are freed when it
 * returns. Calls are serialized ({@code synchronized}): PyTorch runs one forward pass on all cores anyway, and
 * DJL's blocks are not meant to be driven from several threads at once. Owns the model: closing the
 * classifier frees the weights.
 */
public final class TextClassifier implements AutoCloseable {
    private final ClassifierModel model;
    private final Precision precision;
    private final InferenceWeights weights;
    private final List<String> labels;

    private TextClassifier(ClassifierModel model, Precision precision) {
        this.model = model;
        this.precision = precision;
        this.weights = new InferenceWeights(model.djlModel().getNDManager(), precision.dataType());
        this.labels = model.config().labels();
    }

    /** Takes ownership of {@code model}. */
    public static TextClassifier of(ClassifierModel model, Precision precision) {
        return new TextClassifier(model, precision);
    }

    public ClassifierModel model() {
        return model;
    }

    public Precision precision() {
        return precision;
    }

    public String version() {
        return model.config().version();
    }

    /** Classifies the inputs in one forward pass, padded to the longest input. */
    public List<Classification> classify(List<TextInput> inputs) {
        if (inputs.isEmpty()) {
            return List.of();
        }
        return classifyEncoded(model.tokenizer().encodeEach(inputs));
    }

    private List<Classification> classifyEncoded(List<Encoded> encodings) {
        float[][] probabilities = probabilities(EncodedBatch.pad(encodings, model.tokenizer().padId()));
        List<Classification> out = new ArrayList<>(encodings.size());
        for (float[] p : probabilities) {
            out.add(toClassification(p));
        }
        return out;
    }

    /**
     * Classifies the inputs in forward passes of at most {@code groupSize} inputs of similar token length,
     * which wastes less compute on padding than one pass over a mixed batch. Results keep input order.
     */
    public List<Classification> classifyGroupedByLength(List<TextInput> inputs, int groupSize) {
        List<Encoded> encodings = model.tokenizer().encodeEach(inputs);
        int[] lengths = encodings.stream().mapToInt(Encoded::length).toArray();
        Classification[] out = new Classification[inputs.size()];
        for (int[] group : LengthGrouping.groups(lengths, groupSize)) {
            List<Classification> results = classifyEncoded(Arrays.stream(group).mapToObj(encodings::get).toList());
            for (int i = 0; i < group.length; i++) {
                out[group[i]] = results.get(i);
            }
        }
        return Collections.unmodifiableList(Arrays.asList(out));
    }

    /** Softmax probabilities [B][labels] for an encoded batch. */
    public synchronized float[][] probabilities(EncodedBatch batch) {
        return perInput(batch, true);
    }

    /** The head's raw logits [B][labels] for an encoded batch, in fp32 whatever the precision. */
    public synchronized float[][] logits(EncodedBatch batch) {
        return perInput(batch, false);
    }

    private float[][] perInput(EncodedBatch batch, boolean softmax) {
        JniUtils.setGradMode(false); // grad mode is per thread in PyTorch; stream threads start with it on
        try (NDManager scope = model.djlModel().getNDManager().newSubManager()) {
            NDList inputs = batch.toNDList(scope);
            NDArray logits = model.block().forward(weights, inputs, false).head().toType(DataType.FLOAT32, false);
            float[] flat = (softmax ? logits.softmax(-1) : logits).toFloatArray();
            int n = labels.size();
            float[][] out = new float[batch.size()][];
            for (int i = 0; i < out.length; i++) {
                out[i] = Arrays.copyOfRange(flat, i * n, (i + 1) * n);
            }
            return out;
        }
    }

    private Classification toClassification(float[] p) {
        Map<String, Float> scores = new LinkedHashMap<>();
        int best = 0;
        for (int j = 0; j < p.length; j++) {
            scores.put(labels.get(j), p[j]);
            if (p[j] > p[best]) {
                best = j;
            }
        }
        return new Classification(labels.get(best), p[best], Collections.unmodifiableMap(scores), version());
    }

    @Override
    public synchronized void close() {
        weights.close();
        model.close();
    }
}
