package io.triage.model.explain;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import io.triage.model.ClassifierModel;
import io.triage.model.nn.SequenceClassifier;
import io.triage.model.text.EncodedBatch;
import io.triage.model.text.TextInput;

import java.util.Arrays;
import java.util.List;

/**
 * Integrated gradients (Sundararajan et al., 2017) on the input word embeddings: for each label, the score's
 * gradient averaged along the straight path from a {@link Baseline} to the input, times the input's distance from
 * the baseline, summed over the embedding dimensions: one attribution per token and label.
 *
 * <p>The path integral is a midpoint Riemann sum over {@code steps} points, run as one batch to a forward pass
 * (at most {@code stepsPerPass} points and {@link #MAX_PATH_TOKENS_PER_PASS} tokens, which bound its memory), with
 * one backward pass per label (the graph kept between them). The score is the label's probability (softmax; a
 * sigmoid per label for a multi-label model), so by completeness the attributions of a label sum to its
 * probability for the input minus its probability for the baseline; {@link Attribution#gap} is how far the sum
 * misses. Softmax probabilities sum to 1, so their gradients sum to 0: the last label's gradient is minus the
 * others', with no backward pass of its own. Positions, token types and the attention mask stay the input's, so a
 * masked token gets no attribution.
 *
 * <p>Off the inference path: it runs on the model's PyTorch blocks in fp32 with gradients on and one intra-op
 * thread (both on this thread only, restored after), and every tensor it makes is freed before it returns. Not
 * thread-safe, as the blocks are not. One thread ({@link OneIntraOpThread}): with two on two busy cores an
 * explanation took 45-60 s and 11 s of CPU, with one 3-4 s and 1 s of CPU.
 */
public final class IntegratedGradients {
    public static final int DEFAULT_STEPS = 32;
    /** all default steps in one pass where {@link #MAX_PATH_TOKENS_PER_PASS} allows it */
    public static final int DEFAULT_STEPS_PER_PASS = 64;
    /**
     * Path points × tokens in one forward pass: the activations a backward pass keeps grow with it (estimated at a
     * few hundred MB for MiniLM at 256 tokens), so a long text takes more passes; a short one runs 64 steps in one.
     */
    public static final int MAX_PATH_TOKENS_PER_PASS = 1024;
    /** more steps than this cost minutes on a CPU for no visible gain */
    public static final int MAX_STEPS = 1024;

    private final ClassifierModel model;
    private final int steps;
    private final int stepsPerPass;
    private final Baseline baseline;

    public IntegratedGradients(ClassifierModel model, int steps, int stepsPerPass, Baseline baseline) {
        if (steps < 1 || steps > MAX_STEPS) {
            throw new IllegalArgumentException("steps must be 1 to " + MAX_STEPS + ", not " + steps);
        }
        if (stepsPerPass < 1) {
            throw new IllegalArgumentException("steps per pass must be at least 1, not " + stepsPerPass);
        }
        this.model = model;
        this.steps = steps;
        this.stepsPerPass = stepsPerPass;
        this.baseline = baseline;
    }

    public IntegratedGradients(ClassifierModel model) {
        this(model, DEFAULT_STEPS, DEFAULT_STEPS_PER_PASS, Baseline.PAD);
    }

    /** Attributions for one text or pair, truncated to the model's max length as inference truncates it. */
    public Attribution explain(TextInput input) {
        if (input.text().isBlank() && (!input.isPair() || input.textPair().isBlank())) {
            throw new IllegalArgumentException("nothing to explain: the text is empty");
        }
        return attribute(EncodedBatch.pad(List.of(model.tokenizer().encode(input)), model.tokenizer().padId()));
    }

    /** Attributions for a batch of one encoded input, e.g. one with positions masked out. */
    public Attribution attribute(EncodedBatch one) {
        if (one.size() != 1) {
            throw new IllegalArgumentException("one input at a time, not " + one.size());
        }
        SequenceClassifier block = model.block();
        int labels = model.config().numLabels();
        boolean gradMode = JniUtils.isGradMode();
        try (OneIntraOpThread oneThread = new OneIntraOpThread();
             NDManager scope = model.djlModel().getNDManager().newSubManager();
             DetachedWeights weights = new DetachedWeights(scope)) {
            JniUtils.setGradMode(true);
            NDList inputs = one.toNDList(scope);
            NDArray words = block.encoder().wordEmbeddings(weights, inputs.get(0), false).toType(DataType.FLOAT32, false);
            NDArray start = baselineOf(words, one, weights);
            NDArray delta = words.sub(start);
            int width = (int) words.size();
            float[][] gradientSums = new float[labels][width];
            int perPass = Math.min(stepsPerPass, Math.max(1, MAX_PATH_TOKENS_PER_PASS / one.seqLen()));
            for (int first = 0; first < steps; first += perPass) {
                int n = Math.min(perPass, steps - first);
                try (NDManager pass = scope.newSubManager()) {
                    addGradients(pass, weights, one, start, delta, first, n, gradientSums);
                }
            }
            float[][] ends;
            try (NDManager pass = scope.newSubManager()) {
                NDArray both = NDArrays.concat(new NDList(words, start));
                both.attach(pass);
                ends = rows(scores(block.logitsFromEmbeddings(weights, both, repeated(one, 2).toNDList(pass))), labels);
            }
            if (!model.config().multiLabel() && labels > 1) {
                deriveLast(gradientSums);
            }
            float[][] attributions = integrate(delta.toFloatArray(), gradientSums, one.seqLen());
            List<String> tokens = model.tokenizer().tokens(Arrays.copyOf(one.ids(), one.seqLen()));
            return new Attribution(tokens, model.config().labels(), attributions, ends[0], ends[1], steps);
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    /** Adds the score gradients at path points {@code first … first+n−1} to each label's running sum. */
    private void addGradients(NDManager pass, DetachedWeights weights, EncodedBatch one, NDArray start, NDArray delta,
                              int first, int n, float[][] gradientSums) {
        float[] alphas = new float[n];
        for (int k = 0; k < n; k++) {
            alphas[k] = (first + k + 0.5f) / steps; // midpoints
        }
        // made from an array of this pass, so the path and all that follows it belong to the pass
        NDArray path = pass.create(alphas, new Shape(n, 1, 1)).mul(delta).addi(start);
        path.setRequiresGradient(true);
        NDArray scores = scores(model.block().logitsFromEmbeddings(weights, path, repeated(one, n).toNDList(pass)));
        // softmax: the last label's gradient is derived from the others' (deriveLast), so it needs no pass
        int labels = model.config().multiLabel() || gradientSums.length == 1
                ? gradientSums.length : gradientSums.length - 1;
        for (int label = 0; label < labels; label++) {
            NDArray target = scores.get(":, " + label).sum();
            JniUtils.backward((PtNDArray) target, (PtNDArray) target.onesLike(), label < labels - 1, false);
            NDArray gradient = path.getGradient();
            gradient.attach(pass);
            float[] summed = gradient.sum(new int[] {0}).toFloatArray();
            float[] sums = gradientSums[label];
            for (int i = 0; i < sums.length; i++) {
                sums[i] += summed[i];
            }
            JniUtils.zeroGrad((PtNDArray) path); // PyTorch adds gradients up: the next label starts from zero
        }
    }

    /** Softmax probabilities sum to 1, so the last label's gradient is minus the sum of the others'. */
    private static void deriveLast(float[][] gradientSums) {
        float[] last = gradientSums[gradientSums.length - 1];
        for (int i = 0; i < last.length; i++) {
            double sum = 0;
            for (int label = 0; label < gradientSums.length - 1; label++) {
                sum += gradientSums[label][i];
            }
            last[i] = (float) -sum;
        }
    }

    /** Content tokens replaced, the frame of special tokens kept (see {@link Baseline}). */
    private NDArray baselineOf(NDArray words, EncodedBatch one, DetachedWeights weights) {
        long[] ids = one.ids();
        long opening = ids[0];
        long closing = ids[one.lengths()[0] - 1];
        float[] keep = new float[ids.length];
        long[] baselineIds = new long[ids.length];
        for (int t = 0; t < ids.length; t++) {
            boolean special = ids[t] == opening || ids[t] == closing;
            keep[t] = special ? 1 : 0;
            baselineIds[t] = special ? ids[t] : model.tokenizer().padId();
        }
        NDManager manager = words.getManager();
        if (baseline == Baseline.ZERO) {
            return words.mul(manager.create(keep, new Shape(1, ids.length, 1)));
        }
        NDArray padded = manager.create(baselineIds, new Shape(1, ids.length));
        return model.block().encoder().wordEmbeddings(weights, padded, false).toType(DataType.FLOAT32, false);
    }

    private NDArray scores(NDArray logits) {
        NDArray fp32 = logits.toType(DataType.FLOAT32, false);
        return model.config().multiLabel() ? Activation.sigmoid(fp32) : fp32.softmax(-1);
    }

    /** {@code n} copies of a one-input batch: one per path point. */
    private static EncodedBatch repeated(EncodedBatch one, int n) {
        int len = one.seqLen();
        long[] ids = new long[n * len];
        long[] types = new long[n * len];
        long[] mask = new long[n * len];
        int[] lengths = new int[n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(one.ids(), 0, ids, i * len, len);
            System.arraycopy(one.typeIds(), 0, types, i * len, len);
            System.arraycopy(one.mask(), 0, mask, i * len, len);
            lengths[i] = one.lengths()[0];
        }
        return new EncodedBatch(n, len, ids, types, mask, lengths);
    }

    /** Per label and token: Σ over dimensions of (input − baseline) × the mean gradient along the path. */
    private float[][] integrate(float[] delta, float[][] gradientSums, int tokens) {
        int hidden = delta.length / tokens;
        float[][] out = new float[gradientSums.length][tokens];
        for (int label = 0; label < gradientSums.length; label++) {
            for (int t = 0; t < tokens; t++) {
                double sum = 0;
                for (int h = t * hidden; h < (t + 1) * hidden; h++) {
                    sum += (double) delta[h] * gradientSums[label][h];
                }
                out[label][t] = (float) (sum / steps);
            }
        }
        return out;
    }

    private static float[][] rows(NDArray matrix, int width) {
        float[] flat = matrix.toFloatArray();
        float[][] out = new float[flat.length / width][];
        for (int i = 0; i < out.length; i++) {
            out[i] = Arrays.copyOfRange(flat, i * width, (i + 1) * width);
        }
        return out;
    }
}
