package io.triage.model.infer;

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
 * <p>The forward passes run on one {@link InferenceEngine}: PyTorch through the model's own blocks, or ONNX
 * Runtime on a graph derived from the same weights. Every call runs in its own NDManager scope, so all
 * intermediate tensors are freed when it returns. Calls are serialized ({@code synchronized}): the engine runs one
 * forward pass on all cores anyway, and DJL's blocks are not meant to be driven from several threads at once.
 * Owns the model: closing the classifier frees the weights.
 *
 * <p>An input longer than the model's max length is truncated or, with {@link LongInputs.Mode#WINDOW}, split
 * into windows whose logits are averaged before the softmax; the windows of all inputs of a call share its
 * forward passes and are mapped back to their input.
 *
 * <p>Every engine's forward pass returns logits; the output activation is applied here, once per input and the
 * same way for every engine: a softmax over the labels of a single-label model, a sigmoid per label of a
 * multi-label one.
 */
public final class TextClassifier implements AutoCloseable {
    private final ClassifierModel model;
    private final Precision precision;
    private final ForwardPass forward;
    private final List<String> labels;
    private final LongInputs longInputs;
    private final boolean multiLabel;
    /** per label, in label order; a multi-label classifier's label applies at or above its threshold */
    private final float[] thresholds;

    private TextClassifier(ClassifierModel model, Precision precision, LongInputs longInputs, float[] thresholds,
                           ForwardPass forward) {
        this.model = model;
        this.precision = precision;
        this.longInputs = longInputs;
        this.forward = forward;
        this.labels = model.config().labels();
        this.thresholds = thresholds;
        this.multiLabel = model.config().multiLabel();
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
     * Takes ownership of {@code model}, served on PyTorch; a multi-label model's thresholds are its own with
     * {@code thresholds} applied. An override naming a label the model lacks is refused (the model is then left to
     * the caller).
     */
    public static TextClassifier of(ClassifierModel model, Precision precision, LongInputs longInputs,
                                    LabelThresholds thresholds) {
        return new TextClassifier(model, precision, Objects.requireNonNull(longInputs, "longInputs"),
                resolved(model, thresholds), new PyTorchForward(model, precision));
    }

    /** Takes ownership of {@code model} and serves it on {@code engine}, a multi-label model at its own thresholds. */
    public static TextClassifier of(ClassifierModel model, Precision precision, LongInputs longInputs,
                                    InferenceEngine engine, int cpuThreads) {
        return of(model, precision, longInputs, LabelThresholds.FROM_MODEL, engine, cpuThreads);
    }

    /**
     * Takes ownership of {@code model} and serves it on {@code engine} ({@link InferenceEngine#resolve resolved}
     * for the model's device and {@code precision}). On ONNX Runtime the graph is built from the weights now, the
     * session gets {@code cpuThreads} threads and the PyTorch weights are released; PyTorch takes its CPU threads
     * from the thread that runs it ({@link CpuThreads#useOnThisThread}). Thresholds as in
     * {@link #of(ClassifierModel, Precision, LongInputs, LabelThresholds)}.
     */
    public static TextClassifier of(ClassifierModel model, Precision precision, LongInputs longInputs,
                                    LabelThresholds thresholds, InferenceEngine engine, int cpuThreads) {
        if (engine.resolve(model.device(), precision, model.config().encoder().modelType()) != InferenceEngine.ONNXRUNTIME) {
            return of(model, precision, longInputs, thresholds);
        }
        float[] perLabel = resolved(model, thresholds); // refused before the model changes hands
        try {
            OnnxRuntimeForward forward = OnnxRuntimeForward.load(model, CpuThreads.resolve(cpuThreads));
            model.releaseWeights();
            return new TextClassifier(model, precision, Objects.requireNonNull(longInputs, "longInputs"), perLabel,
                    forward);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    private static float[] resolved(ClassifierModel model, LabelThresholds thresholds) {
        return Objects.requireNonNull(thresholds, "thresholds")
                .resolve(model.config().labels(), model.config().thresholds());
    }

    /** The thresholds in use, in label order (only a multi-label model uses them). */
    public float[] thresholds() {
        return thresholds.clone();
    }

    /** The engine the forward passes run on. */
    public InferenceEngine engine() {
        return forward.engine();
    }

    /** Whether the engine still holds the model's native memory: false once the classifier is closed. */
    public synchronized boolean isOpen() {
        return forward.isOpen();
    }

    /** NDArrays the engine holds now, weights included: what a leak check watches. */
    public synchronized int liveArrays() {
        return forward.liveArrays();
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
        float[][] logits = logits(pieces.encodings, timer);
        List<Classification> out = pieces.classifications(logits, timer);
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
        float[][] logits = new float[lengths.length][];
        for (int[] group : LengthGrouping.groups(lengths, groupSize)) {
            float[][] groupLogits = logits(Arrays.stream(group).mapToObj(pieces.encodings::get).toList(),
                    StageTimer.OFF);
            for (int i = 0; i < group.length; i++) {
                logits[group[i]] = groupLogits[i];
            }
        }
        return pieces.classifications(logits, StageTimer.OFF);
    }

    /** The logits of each encoding, in one forward pass padded to the longest. */
    private float[][] logits(List<Encoded> encodings, StageTimer timer) {
        EncodedBatch batch = EncodedBatch.pad(encodings, model.tokenizer().padId());
        timer.lap(InferenceStage.PAD);
        synchronized (this) {
            return forward.logits(batch, timer);
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

        /**
         * One classification per input from the pieces' logits: the mean of its pieces' (one piece, one row: its
         * own), through the output activation, which is charged to the timer's softmax stage.
         */
        List<Classification> classifications(float[][] logits, StageTimer timer) {
            int inputs = firstPiece.length - 1;
            float[][] scores = new float[inputs][];
            for (int i = 0; i < inputs; i++) {
                scores[i] = probabilities(meanOf(logits, firstPiece[i], firstPiece[i + 1]));
            }
            timer.lap(InferenceStage.SOFTMAX);
            List<Classification> out = new ArrayList<>(inputs);
            for (int i = 0; i < inputs; i++) {
                out.add(toClassification(scores[i], encodings.get(firstPiece[i]).length()));
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

    private static float[] sigmoid(float[] logits) {
        float[] p = new float[logits.length];
        for (int j = 0; j < logits.length; j++) {
            p[j] = (float) (1 / (1 + Math.exp(-logits[j])));
        }
        return p;
    }

    private static float[] softmax(float[] logits) {
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
    public float[][] probabilities(EncodedBatch batch) {
        float[][] scores = logits(batch);
        for (int i = 0; i < scores.length; i++) {
            scores[i] = probabilities(scores[i]);
        }
        return scores;
    }

    /** The head's raw logits [B][labels] for an encoded batch, in fp32 whatever the precision. */
    public synchronized float[][] logits(EncodedBatch batch) {
        return forward.logits(batch, StageTimer.OFF);
    }

    private Classification toClassification(float[] p, int inputTokens) {
        Map<String, Float> scores = new LinkedHashMap<>();
        int best = 0;
        for (int j = 0; j < p.length; j++) {
            scores.put(labels.get(j), p[j]);
            if (p[j] > p[best]) {
                best = j;
            }
        }
        if (!multiLabel) {
            return new Classification(labels.get(best), p[best], Collections.unmodifiableMap(scores), version(),
                    List.of(labels.get(best)), inputTokens);
        }
        List<String> applying = new ArrayList<>();
        for (int j = 0; j < p.length; j++) {
            if (p[j] >= thresholds[j]) {
                applying.add(labels.get(j));
            }
        }
        return new Classification(labels.get(best), p[best], Collections.unmodifiableMap(scores), version(), applying,
                inputTokens);
    }

    @Override
    public synchronized void close() {
        try {
            forward.close();
        } finally {
            model.close();
        }
    }
}
