package io.triage.model.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Activation;
import ai.djl.pytorch.jni.JniUtils;
import io.triage.model.ClassifierModel;
import io.triage.model.config.LabelThresholds;
import io.triage.model.text.Encoded;
import io.triage.model.text.EncodedBatch;
import io.triage.model.text.LongInputs;
import io.triage.model.text.TextInput;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Batched inference: texts in, label + per-class probabilities + model version out.
 *
 * <p>Every call runs in its own {@link NDManager} scope, so all intermediate tensors are freed when it
 * returns. Calls are serialized ({@code synchronized}): PyTorch runs one forward pass on all cores anyway, and
 * DJL's blocks are not meant to be driven from several threads at once. Owns the model: closing the
 * classifier frees the weights.
 *
 * <p>An input longer than the model's max length is truncated or, with {@link LongInputs.Mode#WINDOW}, split
 * into windows whose logits are averaged before the softmax; the windows of all inputs of a call share its
 * forward passes and are mapped back to their input.
 */
public final class TextClassifier implements AutoCloseable {
    private final ClassifierModel model;
    private final Precision precision;
    private final InferenceWeights weights;
    private final List<String> labels;
    private final LongInputs longInputs;
    private final boolean multiLabel;
    /** per label, in label order; a multi-label classifier's label applies at or above its threshold */
    private final float[] thresholds;

    private TextClassifier(ClassifierModel model, Precision precision, LongInputs longInputs,
            LabelThresholds thresholds) {
        this.labels = model.config().labels();
        this.thresholds = thresholds.resolve(labels, model.config().thresholds());
        this.model = model;
        this.precision = precision;
        this.longInputs = longInputs;
        this.multiLabel = model.config().multiLabel();
        this.weights = new InferenceWeights(model.djlModel().getNDManager(), precision.dataType());
    }

    /** Takes ownership of {@code model}. */
    public static TextClassifier of(ClassifierModel model, Precision precision) {
        return of(model, precision, LongInputs.TRUNCATE);
    }

    /** Takes ownership of {@code model}; inputs past its max length are handled as {@code longInputs} says. */
    public static TextClassifier of(ClassifierModel model, Precision precision, LongInputs longInputs) {
        return of(model, precision, longInputs, LabelThresholds.FROM_MODEL);
    }

    /**
     * Takes ownership of {@code model}; a multi-label model's thresholds are its own with {@code thresholds}
     * applied. An override naming a label the model lacks is refused (the model is then left to the caller).
     */
    public static TextClassifier of(ClassifierModel model, Precision precision, LongInputs longInputs,
            LabelThresholds thresholds) {
        return new TextClassifier(model, precision, Objects.requireNonNull(longInputs, "longInputs"),
                Objects.requireNonNull(thresholds, "thresholds"));
    }

    /** The thresholds in use, in label order (only a multi-label model uses them). */
    public float[] thresholds() {
        return thresholds.clone();
    }

    public LongInputs longInputs() {
        return longInputs;
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

    /** Classifies the inputs in one forward pass, padded to the longest input (or window). */
    public List<Classification> classify(List<TextInput> inputs) {
        return classify(inputs, StageTimer.OFF);
    }

    /**
     * {@link #classify(List)}, the same steps, with each step's time charged to {@code timer}: what
     * {@code triage bench model --profile} prints.
     */
    public List<Classification> classify(List<TextInput> inputs, StageTimer timer) {
        if (inputs.isEmpty()) {
            return List.of();
        }
        Pieces pieces = pieces(inputs);
        timer.lap(InferenceStage.TOKENIZE);
        float[][] scores = scores(pieces.encodings, pieces.singles(), timer);
        List<Classification> out = pieces.classifications(scores);
        timer.lap(InferenceStage.RESULTS);
        return out;
    }

    /**
     * Classifies the inputs in forward passes of at most {@code groupSize} inputs (or windows) of similar token
     * length, which wastes less compute on padding than one pass over a mixed batch. Results keep input order.
     */
    public List<Classification> classifyGroupedByLength(List<TextInput> inputs, int groupSize) {
        Pieces pieces = pieces(inputs);
        int[] lengths = pieces.encodings.stream().mapToInt(Encoded::length).toArray();
        float[][] scores = new float[lengths.length][];
        for (int[] group : LengthGrouping.groups(lengths, groupSize)) {
            float[][] groupScores = scores(Arrays.stream(group).mapToObj(pieces.encodings::get).toList(),
                    pieces.singles(), StageTimer.OFF);
            for (int i = 0; i < group.length; i++) {
                scores[group[i]] = groupScores[i];
            }
        }
        return pieces.classifications(scores);
    }

    /** Probabilities when every input is one piece (as before windows existed), else logits to average. */
    private float[][] scores(List<Encoded> encodings, boolean probabilities, StageTimer timer) {
        EncodedBatch batch = EncodedBatch.pad(encodings, model.tokenizer().padId());
        timer.lap(InferenceStage.PAD);
        synchronized (this) {
            return perInput(batch, probabilities, timer);
        }
    }

    private Pieces pieces(List<TextInput> inputs) {
        List<Encoded> encodings = new ArrayList<>(inputs.size());
        int[] firstPiece = new int[inputs.size() + 1];
        for (int i = 0; i < inputs.size(); i++) {
            firstPiece[i] = encodings.size();
            if (longInputs.windowed()) {
                encodings.addAll(model.tokenizer().windows(inputs.get(i), longInputs.stride()));
            } else {
                encodings.add(model.tokenizer().encode(inputs.get(i)));
            }
        }
        firstPiece[inputs.size()] = encodings.size();
        return new Pieces(encodings, firstPiece);
    }

    /**
     * The encodings forward passes run on, input i's being {@code [firstPiece[i], firstPiece[i+1])}: one per input
     * when truncating, one per window when windowing.
     */
    private final class Pieces {
        final List<Encoded> encodings;
        final int[] firstPiece;

        Pieces(List<Encoded> encodings, int[] firstPiece) {
            this.encodings = encodings;
            this.firstPiece = firstPiece;
        }

        boolean singles() {
            return encodings.size() == firstPiece.length - 1;
        }

        /** One classification per input from the pieces' scores: probabilities, or logits averaged per input. */
        List<Classification> classifications(float[][] scores) {
            int inputs = firstPiece.length - 1;
            List<Classification> out = new ArrayList<>(inputs);
            for (int i = 0; i < inputs; i++) {
                out.add(toClassification(singles() ? scores[i]
                        : probabilities(meanOf(scores, firstPiece[i], firstPiece[i + 1]))));
            }
            return Collections.unmodifiableList(out);
        }
    }

    static float[] meanOf(float[][] rows, int from, int to) {
        float[] mean = new float[rows[from].length];
        for (int r = from; r < to; r++) {
            for (int j = 0; j < mean.length; j++) {
                mean[j] += rows[r][j];
            }
        }
        for (int j = 0; j < mean.length; j++) {
            mean[j] /= to - from;
        }
        return mean;
    }

    /** Softmax for a single-label model, a sigmoid per label for a multi-label one. */
    private float[] probabilities(float[] logits) {
        return multiLabel ? sigmoid(logits) : softmax(logits);
    }

    static float[] sigmoid(float[] logits) {
        float[] p = new float[logits.length];
        for (int j = 0; j < logits.length; j++) {
            p[j] = (float) (1 / (1 + Math.exp(-logits[j])));
        }
        return p;
    }

    static float[] softmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        double[] e = new double[logits.length];
        for (int j = 0; j < logits.length; j++) {
            e[j] = Math.exp(logits[j] - max);
            sum += e[j];
        }
        float[] p = new float[logits.length];
        for (int j = 0; j < logits.length; j++) {
            p[j] = (float) (e[j] / sum);
        }
        return p;
    }

    /** Probabilities [B][labels] for an encoded batch: softmax, or a sigmoid per label for a multi-label model. */
    public synchronized float[][] probabilities(EncodedBatch batch) {
        return perInput(batch, true, StageTimer.OFF);
    }

    /** The head's raw logits [B][labels] for an encoded batch, in fp32 whatever the precision. */
    public synchronized float[][] logits(EncodedBatch batch) {
        return perInput(batch, false, StageTimer.OFF);
    }

    /** One forward pass; the timer's laps split it into stages (the scope's close is charged with its open). */
    private float[][] perInput(EncodedBatch batch, boolean softmax, StageTimer timer) {
        JniUtils.setGradMode(false); // grad mode is per thread in PyTorch; stream threads start with it on
        timer.lap(InferenceStage.GRAD_MODE);
        NDManager scope = model.djlModel().getNDManager().newSubManager();
        timer.lap(InferenceStage.MANAGER);
        try {
            NDList inputs = batch.toNDList(scope);
            timer.lap(InferenceStage.TENSORS);
            NDArray logits = model.block().forward(weights, inputs, false).head().toType(DataType.FLOAT32, false);
            timer.lap(InferenceStage.FORWARD);
            NDArray scores = !softmax ? logits : multiLabel ? Activation.sigmoid(logits) : logits.softmax(-1);
            timer.lap(InferenceStage.SOFTMAX);
            float[] flat = scores.toFloatArray();
            int n = labels.size();
            float[][] out = new float[batch.size()][];
            for (int i = 0; i < out.length; i++) {
                out[i] = Arrays.copyOfRange(flat, i * n, (i + 1) * n);
            }
            timer.lap(InferenceStage.COPY_OUT);
            if (timer.on()) {
                timer.addLiveArrays(scope.getManagedArrays().size());
                timer.skip();
            }
            return out;
        } finally {
            scope.close();
            timer.lap(InferenceStage.MANAGER);
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
        if (!multiLabel) {
            return new Classification(labels.get(best), p[best], Collections.unmodifiableMap(scores), version());
        }
        List<String> applying = new ArrayList<>();
        for (int j = 0; j < p.length; j++) {
            if (p[j] >= thresholds[j]) {
                applying.add(labels.get(j));
            }
        }
        return new Classification(labels.get(best), p[best], Collections.unmodifiableMap(scores), version(), applying);
    }

    @Override
    public synchronized void close() {
        weights.close();
        model.close();
    }
}
