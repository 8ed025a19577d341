package io.triage.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.triage.model.ClassifierModel;
import io.triage.model.nn.SequenceClassifier;
import io.triage.model.text.EncodedBatch;
import io.triage.model.text.TextInput;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Gradient steps on a {@link ClassifierModel}: softmax cross-entropy (single-label) or per-label binary
 * cross-entropy on the logits (multi-label, PyTorch's {@code BCEWithLogitsLoss}, mean over labels and examples), gradients clipped by their global norm,
 * AdamW without weight decay on biases and LayerNorm and with its own learning rate for the head
 * ({@link ParameterGroupAdamW}). In
 * {@link TrainingMode#HEAD} the encoder's parameters are frozen, so only the head changes, and the head can
 * be trained directly on cached pooled features ({@link #stepOnFeatures}).
 *
 * <p>Runs the blocks and the optimizer directly rather than through a DJL {@code Trainer}: the head-only step
 * runs the head block alone, clipping must happen between backward and update, and DJL's parameter server
 * would copy every gradient once more per step. Owns a native memory scope: close it. AdamW's moments are
 * DJL-internal and are released by the garbage collector.
 */
public final class ClassifierTraining implements AutoCloseable {
    private final ClassifierModel model;
    private final TrainingMode mode;
    private final NDManager manager;
    private final ParameterStore parameters;
    private final Optimizer optimizer;
    private final List<Parameter> trainable;
    private final float maxGradNorm;
    private final Loss loss;
    private float lastGradientNorm;
    private boolean lastStepSkipped;

    /**
     * @param encoderRate learning rate of the encoder, e.g. {@link LinearWarmupDecay} peaking at 2e-5 (unused in
     *     HEAD mode)
     * @param headRate learning rate of the classification head: a fresh head needs a larger one than the
     *     pretrained encoder, e.g. 1e-3
     * @param weightDecay AdamW's decoupled weight decay on weight matrices, e.g. 0.01
     * @param maxGradNorm global L2 norm the gradients are clipped to; 0 or less turns clipping off
     */
    public ClassifierTraining(ClassifierModel model, TrainingMode mode, Tracker encoderRate, Tracker headRate,
            float weightDecay, float maxGradNorm) {
        this.model = model;
        this.mode = mode;
        this.maxGradNorm = maxGradNorm;
        this.loss = model.config().multiLabel() ? Loss.sigmoidBinaryCrossEntropyLoss() : Loss.softmaxCrossEntropyLoss();
        model.block().encoder().freezeParameters(mode == TrainingMode.HEAD);
        model.block().head().freezeParameters(false);
        Map<Parameter, ParameterGroupAdamW.Group> groups = new LinkedHashMap<>();
        model.namedParameters().forEach((name, p) -> {
            if (p.requiresGradient()) {
                Tracker rate = name.startsWith(SequenceClassifier.HEAD_PREFIX) ? headRate : encoderRate;
                groups.put(p, new ParameterGroupAdamW.Group(rate, ParameterGroupAdamW.isDecayed(p) ? weightDecay : 0f));
            }
        });
        trainable = List.copyOf(groups.keySet());
        manager = model.djlModel().getNDManager().newSubManager();
        parameters = new ParameterStore(manager, false); // no copies: blocks read and train the model's own arrays
        optimizer = new ParameterGroupAdamW(groups);
    }

    /** One learning rate for every trainable parameter. */
    public ClassifierTraining(ClassifierModel model, TrainingMode mode, Tracker learningRate, float weightDecay,
            float maxGradNorm) {
        this(model, mode, learningRate, learningRate, weightDecay, maxGradNorm);
    }

    /**
     * One forward/backward/update through encoder and head; returns the batch's mean loss before the update.
     * A step with a non-finite loss or gradient changes nothing ({@link #lastStepSkipped()}).
     */
    public float step(EncodedBatch batch, int[] labels) {
        checkSingleLabel();
        try (NDManager scope = manager.newSubManager()) {
            NDList inputs = batch.toNDList(scope);
            return update(scope, classIndices(scope, labels), ps -> model.block().forward(ps, inputs, true).head());
        }
    }

    /**
     * {@link #step(EncodedBatch, int[])} of a multi-label classifier.
     *
     * @param labelSets one row per input, one 0/1 entry per label (1: the label applies)
     */
    public float step(EncodedBatch batch, float[][] labelSets) {
        try (NDManager scope = manager.newSubManager()) {
            NDList inputs = batch.toNDList(scope);
            return update(scope, multiHot(scope, labelSets), ps -> model.block().forward(ps, inputs, true).head());
        }
    }

    /** {@link #step(EncodedBatch, int[])} on raw inputs. */
    public float step(List<TextInput> inputs, int[] labels) {
        return step(model.tokenizer().encodeBatch(inputs), labels);
    }

    /**
     * One step of the head alone on pooled encoder features (what {@code block().pool} returns), in
     * {@link TrainingMode#HEAD}: the encoder is frozen, so features computed once stay valid. The head's
     * dropout is active, as in a full forward pass.
     *
     * @param features row-major [labels.length, hidden size]
     */
    public float stepOnFeatures(float[] features, int[] labels) {
        checkSingleLabel();
        try (NDManager scope = manager.newSubManager()) {
            return onFeatures(scope, features, classIndices(scope, labels));
        }
    }

    /** {@link #stepOnFeatures(float[], int[])} of a multi-label classifier, with 0/1 label sets as in {@link #step(EncodedBatch, float[][])}. */
    public float stepOnFeatures(float[] features, float[][] labelSets) {
        try (NDManager scope = manager.newSubManager()) {
            return onFeatures(scope, features, multiHot(scope, labelSets));
        }
    }

    private float onFeatures(NDManager scope, float[] features, NDArray targets) {
        if (mode != TrainingMode.HEAD) {
            throw new IllegalStateException("training on cached features needs a frozen encoder (HEAD mode)");
        }
        long n = targets.getShape().get(0);
        NDArray x = scope.create(features, new Shape(n, features.length / n));
        return update(scope, targets, ps -> model.block().head().forward(ps, new NDList(x), true).head());
    }

    private void checkSingleLabel() {
        if (model.config().multiLabel()) {
            throw new IllegalArgumentException("a multi-label classifier trains on label sets, not one label per input");
        }
    }

    private static NDArray classIndices(NDManager scope, int[] labels) {
        float[] targets = new float[labels.length];
        for (int i = 0; i < labels.length; i++) {
            targets[i] = labels[i];
        }
        return scope.create(targets);
    }

    /** [inputs, labels] of 0/1; a multi-label classifier's targets. */
    private NDArray multiHot(NDManager scope, float[][] labelSets) {
        if (!model.config().multiLabel()) {
            throw new IllegalArgumentException("a single-label classifier trains on one label per input, not label sets");
        }
        int width = model.config().numLabels();
        float[] flat = new float[labelSets.length * width];
        for (int i = 0; i < labelSets.length; i++) {
            if (labelSets[i].length != width) {
                throw new IllegalArgumentException("a label set of " + labelSets[i].length + " entries for "
                        + width + " labels");
            }
            System.arraycopy(labelSets[i], 0, flat, i * width, width);
        }
        return scope.create(flat, new Shape(labelSets.length, width));
    }

    /** Whether the last step was skipped because its loss or gradient norm was not finite. */
    public boolean lastStepSkipped() {
        return lastStepSkipped;
    }

    /** The global gradient norm of the last step, before clipping. */
    public float lastGradientNorm() {
        return lastGradientNorm;
    }

    private interface Forward {
        NDArray logits(ParameterStore parameters);
    }

    private float update(NDManager scope, NDArray targets, Forward forward) {
        NDList y = new NDList(targets);
        float value;
        try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
            NDArray l = loss.evaluate(y, new NDList(forward.logits(parameters)));
            value = l.getFloat();
            collector.backward(l);
        }
        try (NDManager local = scope.newSubManager()) {
            List<NDArray> gradients = new ArrayList<>(trainable.size());
            for (Parameter p : trainable) {
                NDArray g = p.getArray().getGradient(); // a new handle on the gradient, freed with `local`
                g.attach(local);
                gradients.add(g);
            }
            lastGradientNorm = GlobalNormClipping.clip(gradients, maxGradNorm > 0 ? maxGradNorm : Float.POSITIVE_INFINITY);
            lastStepSkipped = !Float.isFinite(value) || !Float.isFinite(lastGradientNorm);
            if (lastStepSkipped) {
                // one NaN/infinite gradient would make every weight NaN: drop this step's gradients instead, as
                // PyTorch's GradScaler does (PyTorch accumulates gradients, so they must be zeroed)
                for (Parameter p : trainable) {
                    JniUtils.zeroGrad((PtNDArray) p.getArray());
                }
                return value;
            }
            for (int i = 0; i < gradients.size(); i++) {
                // PyTorch's AdamW kernel zeroes the gradient after updating the weight
                optimizer.update(trainable.get(i).getId(), trainable.get(i).getArray(), gradients.get(i));
            }
        }
        model.setHeadTrained(true);
        return value;
    }

    @Override
    public void close() {
        manager.close();
        model.block().freezeParameters(false);
    }
}
