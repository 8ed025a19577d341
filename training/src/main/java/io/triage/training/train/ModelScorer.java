package io.triage.training.train;

import io.triage.model.ClassifierModel;
import io.triage.model.drift.DriftBins;
import io.triage.model.drift.DriftCounts;
import io.triage.model.drift.ReferenceProfile;
import io.triage.model.infer.LengthGrouping;
import io.triage.model.text.Encoded;
import io.triage.model.text.EncodedBatch;
import io.triage.model.train.EvaluationPass;
import io.triage.training.data.Dataset;
import io.triage.training.eval.Evaluation;
import io.triage.training.eval.MultiLabelEvaluation;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;

/** Whole-model forward passes over many examples, in length-grouped batches, restored to the examples' order. */
public final class ModelScorer {
    private ModelScorer() {}

    /** Scores {@code data} with {@code model} as it is: how a version does on an evaluation set. */
    public static Evaluation evaluate(ClassifierModel model, Dataset data, int batchSize) {
        List<Encoded> tokens = model.tokenizer().encodeEach(data.inputs());
        try (EvaluationPass pass = new EvaluationPass(model)) {
            float[][] logits = run(pass, tokens, model.tokenizer().padId(), batchSize).logits();
            return Evaluation.of(data.labels(), data.labelIds(), logits);
        }
    }

    /**
     * The reference distributions drift is measured against ({@link ReferenceProfile}): what the model predicts on
     * {@code data} (usually its validation set), how confident it is and how long the inputs are in tokens.
     */
    public static ReferenceProfile profile(ClassifierModel model, Dataset data, int batchSize) {
        List<Encoded> tokens = model.tokenizer().encodeEach(data.inputs());
        float[][] logits;
        try (EvaluationPass pass = new EvaluationPass(model)) {
            logits = run(pass, tokens, model.tokenizer().padId(), batchSize).logits();
        }
        DriftCounts counts = new DriftCounts(data.labels().size());
        for (int i = 0; i < logits.length; i++) {
            int best = 0;
            for (int j = 1; j < logits[i].length; j++) {
                best = logits[i][j] > logits[i][best] ? j : best;
            }
            counts.add(best, DriftBins.confidence(winningProbability(logits[i], best)),
                    DriftBins.length(tokens.get(i).length()), 1);
        }
        return ReferenceProfile.of(data.labels(), counts);
    }

    /** softmax(logits)[best] = 1 / Σ exp(l_j − l_best), stable since l_best is the largest. */
    static double winningProbability(float[] logits, int best) {
        double sum = 0;
        for (float l : logits) {
            sum += Math.exp(l - logits[best]);
        }
        return 1 / sum;
    }

    /** {@link #evaluate} of a multi-label model, at the model's thresholds. */
    public static MultiLabelEvaluation evaluateMultiLabel(ClassifierModel model, Dataset data, int batchSize) {
        List<Encoded> tokens = model.tokenizer().encodeEach(data.inputs());
        try (EvaluationPass pass = new EvaluationPass(model)) {
            float[][] logits = run(pass, tokens, model.tokenizer().padId(), batchSize).logits();
            float[] thresholds = new float[data.labels().size()];
            for (int l = 0; l < thresholds.length; l++) {
                thresholds[l] = model.config().thresholds().get(l);
            }
            return MultiLabelEvaluation.of(data.labels(), data.labelSets(), logits, thresholds);
        }
    }

    /** Pooled features and logits of every example, in the order of {@code tokens}. */
    static EvaluationPass.Outputs run(EvaluationPass pass, List<Encoded> tokens, long padId, int batchSize) {
        float[][] features = new float[tokens.size()][];
        float[][] logits = new float[tokens.size()][];
        for (int[] group : LengthGrouping.groups(tokens.stream().mapToInt(Encoded::length).toArray(), batchSize)) {
            stopIfInterrupted();
            EvaluationPass.Outputs out = pass.run(EncodedBatch.pad(Arrays.stream(group).mapToObj(tokens::get).toList(), padId));
            for (int i = 0; i < group.length; i++) {
                features[group[i]] = out.features()[i];
                logits[group[i]] = out.logits()[i];
            }
        }
        return new EvaluationPass.Outputs(features, logits);
    }

    /**
     * Long passes stop between batches when their thread is interrupted, so that a service shutting down does not wait
     * for a whole training run. Between batches, never inside one: native calls are not interruptible.
     */
    static void stopIfInterrupted() {
        if (Thread.currentThread().isInterrupted()) {
            throw new CancellationException("stopped: the thread was interrupted");
        }
    }
}
