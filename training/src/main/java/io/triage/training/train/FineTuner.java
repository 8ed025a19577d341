package io.triage.training.train;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.triage.model.ClassifierModel;
import io.triage.model.infer.LengthGrouping;
import io.triage.model.text.Encoded;
import io.triage.model.text.EncodedBatch;
import io.triage.model.train.ClassifierTraining;
import io.triage.model.train.EvaluationPass;
import io.triage.model.train.LinearWarmupDecay;
import io.triage.model.train.TrainingMode;
import io.triage.training.data.Dataset;
import io.triage.training.eval.EpochMetrics;
import io.triage.training.eval.Evaluation;
import io.triage.training.eval.MetricsJson;
import io.triage.training.eval.MostFrequentBaseline;
import io.triage.training.eval.MostFrequentLabelSetBaseline;
import io.triage.training.eval.MultiLabelEvaluation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * Fine-tunes a {@link ClassifierModel} on a labeled {@link Dataset}, evaluating on validation data after every
 * epoch — the engine behind {@code triage train} and the continuous-training service.
 *
 * <ul>
 *   <li>{@link TrainingMode#HEAD}: the encoder is frozen, so the pooled features of every example are computed
 *       once (length-grouped batches, no gradients) and the head alone trains on them for many cheap epochs.
 *   <li>{@link TrainingMode#FULL}: encoder and head train on batches of similar token length.
 * </ul>
 * Both use AdamW with linear warm-up and decay and global-norm gradient clipping ({@link ClassifierTraining}).
 * With a checkpoint folder, every epoch ends with a checkpoint; {@link TrainingSettings#resume()} continues
 * from the latest one (see {@link Checkpoints} for what a resumed run does not restore).
 *
 * <p>The trained model stays in memory with the caller, who saves it (e.g. {@code ModelArtifact.save}) with
 * {@link TrainingResult#metrics()}. Starting from a trained Triage artifact continues its training.
 */
public final class FineTuner {
    private static final Logger LOG = LoggerFactory.getLogger(FineTuner.class);
    /** Consecutive steps with a non-finite loss or gradient after which training is declared diverged. */
    static final int MAX_SKIPPED_STEPS = 10;
    /** The contract caps token-length samples at 2000 values. */
    private static final int MAX_TOKEN_LENGTHS = 2000;

    private final ClassifierModel model;
    private final Dataset train;
    private final Dataset validation;
    private final TrainingSettings options;
    private final TrainingListener listener;
    private final long padId;
    private boolean thresholdsTuned;

    private FineTuner(ClassifierModel model, Dataset train, Dataset validation, TrainingSettings options,
            TrainingListener listener) {
        this.model = model;
        this.train = train;
        this.validation = validation;
        this.options = options;
        this.listener = listener;
        this.padId = model.tokenizer().padId();
    }

    /**
     * Trains {@code model} in place.
     *
     * @param validation evaluated after every epoch; null for none (metrics.json then has no validation block)
     * @param listener progress callbacks, e.g. {@link ConsoleProgress}, or {@link TrainingListener#NONE}
     * @throws java.util.concurrent.CancellationException when the calling thread is interrupted (checked between
     *         batches); the model is then partly trained and should be dropped
     */
    public static TrainingResult run(ClassifierModel model, Dataset train, Dataset validation, TrainingSettings options,
            TrainingListener listener) throws IOException {
        checkLabels(model, train);
        if (validation != null) {
            checkLabels(model, validation);
        }
        if (train.isEmpty()) {
            throw new IllegalArgumentException("no training examples in " + train.source());
        }
        return new FineTuner(model, train, validation, options, listener).train();
    }

    /** Validation scores (single- or multi-label, the other null) and the pooled features they came from. */
    private record Scored(Evaluation evaluation, MultiLabelEvaluation multiLabel, float[][] features) {}

    /** Where a run starts: epoch 1, or after the epoch of the checkpoint it resumes, with that run's history. */
    private record Start(int firstEpoch, int stepOffset, double earlierSeconds, List<EpochMetrics> history) {
        static final Start FROM_SCRATCH = new Start(1, 0, 0, List.of());
    }

    /** The encoded data and, in HEAD mode, the frozen encoder's pooled features of it (else null). */
    private record Inputs(List<Encoded> trainTokens, List<Encoded> validationTokens, float[][] trainFeatures,
            float[][] validationFeatures) {}

    private TrainingResult train() throws IOException {
        long start = System.nanoTime();
        Start from = options.resume() ? resumePoint() : Start.FROM_SCRATCH;
        List<EpochMetrics> history = new ArrayList<>(from.history());
        List<Encoded> trainTokens = model.tokenizer().encodeEach(train.inputs());
        List<Encoded> validationTokens = validation == null ? List.of() : model.tokenizer().encodeEach(validation.inputs());
        int stepsPerEpoch = (train.size() + options.batchSize() - 1) / options.batchSize();

        Scored last = null;
        try (EvaluationPass pass = new EvaluationPass(model);
                ClassifierTraining training = optimizer(stepsPerEpoch * options.epochs(), from.stepOffset())) {
            Inputs inputs = inputs(pass, trainTokens, validationTokens, from.firstEpoch());
            for (int epoch = from.firstEpoch(); epoch <= options.epochs(); epoch++) {
                long epochStart = System.nanoTime();
                double trainLoss = trainEpoch(training, inputs, epoch);
                double trainSeconds = seconds(epochStart);
                last = validation == null ? null : evaluate(pass, validationTokens, inputs.validationFeatures());
                EpochMetrics metrics = epochMetrics(epoch, trainLoss, last, train.size() / trainSeconds, seconds(epochStart));
                history.add(metrics);
                listener.onEpochEnd(metrics);
                if (options.checkpointDir() != null) {
                    int globalStep = from.stepOffset() + (epoch - from.firstEpoch() + 1) * stepsPerEpoch;
                    checkpoint(epoch, globalStep, history, last, validationTokens, from.earlierSeconds() + seconds(start));
                }
            }
            if (last == null && validation != null) { // every epoch was done by an earlier run
                last = evaluate(pass, validationTokens, inputs.validationFeatures());
            }
        }
        if (last != null && last.multiLabel() != null && options.tuneThresholds()) {
            last = tuneThresholds(last);
        }
        ObjectNode metrics = metrics(history, last, validationTokens, from.earlierSeconds() + seconds(start));
        // a multi-label example has no one gold label to colour its point with: no projection
        boolean projected = last != null && !train.multiLabel();
        return new TrainingResult(metrics, List.copyOf(history), last == null ? null : last.evaluation(),
                projected ? last.features() : new float[0][], projected ? validation.labelIds() : new int[0],
                last == null ? null : last.multiLabel());
    }

    /**
     * Each label's threshold set to the one with the best validation F1, in the model (so its artifact stores
     * them), and the validation scores at them.
     */
    private Scored tuneThresholds(Scored scored) {
        float[] tuned = scored.multiLabel().tunedThresholds();
        List<Float> thresholds = new ArrayList<>(tuned.length);
        for (float t : tuned) {
            thresholds.add(t);
        }
        model.setThresholds(thresholds);
        thresholdsTuned = true;
        LOG.info("thresholds tuned on the validation data: {}", thresholds);
        return new Scored(null, scored.multiLabel().at(tuned, validation.labelSets()), scored.features());
    }

    /** The latest complete checkpoint's weights restored, and where its run stopped; from scratch without one. */
    private Start resumePoint() throws IOException {
        Optional<Checkpoints.Saved> saved = Checkpoints.latest(options.checkpointDir());
        if (saved.isEmpty()) {
            LOG.info("no complete checkpoint in {}: starting from the beginning", options.checkpointDir());
            return Start.FROM_SCRATCH;
        }
        Checkpoints.State state = saved.get().state();
        checkResumable(state);
        Checkpoints.restoreWeights(model, saved.get().artifact());
        LOG.info("resuming after epoch {} (step {}) from {}", state.epoch(), state.globalStep(), saved.get().artifact());
        return new Start(state.epoch() + 1, state.globalStep(), state.wallSeconds(), state.history());
    }

    /**
     * AdamW whose learning rates warm up and decay linearly over {@code totalSteps}, continuing at
     * {@code stepOffset} on a resumed run; in HEAD mode the head trains at the encoder's rate.
     */
    private ClassifierTraining optimizer(int totalSteps, int stepOffset) {
        LinearWarmupDecay encoderRate = LinearWarmupDecay.of((float) options.learningRate(), options.warmupRatio(),
                totalSteps, stepOffset);
        LinearWarmupDecay headRate = head() ? encoderRate : LinearWarmupDecay.of((float) options.headLearningRate(),
                options.warmupRatio(), totalSteps, stepOffset);
        return new ClassifierTraining(model, options.mode(), encoderRate, headRate, (float) options.weightDecay(),
                (float) options.maxGradNorm());
    }

    /** In HEAD mode with epochs left to run, the pooled features are computed once here, for every epoch. */
    private Inputs inputs(EvaluationPass pass, List<Encoded> trainTokens, List<Encoded> validationTokens, int firstEpoch) {
        if (!head() || firstEpoch > options.epochs()) {
            return new Inputs(trainTokens, validationTokens, null, null);
        }
        int total = trainTokens.size() + validationTokens.size();
        return new Inputs(trainTokens, validationTokens, features(pass, trainTokens, 0, total),
                features(pass, validationTokens, trainTokens.size(), total));
    }

    /** One pass over the training data; the mean loss of the steps taken (skipped ones left out), NaN if none. */
    private double trainEpoch(ClassifierTraining training, Inputs inputs, int epoch) {
        listener.onEpochStart(epoch, options.epochs(), train.size());
        // seeded per epoch, so a resumed run shuffles and drops out as the uninterrupted one would have
        EngineSeed.forEpoch(options.seed(), epoch);
        List<int[]> batches = batches(inputs.trainTokens(), new Random(options.seed() * 1_000_003L + epoch));
        int[] labels = train.labelIds();
        float[][] labelSets = train.multiLabel() ? train.labelSets() : null;
        DivergenceGuard guard = new DivergenceGuard(epoch);
        double lossSum = 0;
        int lossCount = 0;
        int done = 0;
        for (int[] batch : batches) {
            ModelScorer.stopIfInterrupted();
            float loss = step(training, inputs, batch, labels, labelSets);
            done += batch.length;
            if (guard.counts(training, loss)) {
                lossSum += (double) loss * batch.length;
                lossCount += batch.length;
            }
            listener.onBatch(epoch, done, loss);
        }
        return lossCount == 0 ? Double.NaN : lossSum / lossCount;
    }

    /** One step on a batch: its label indices, or for a multi-label model ({@code labelSets} not null) its label sets. */
    private float step(ClassifierTraining training, Inputs inputs, int[] batch, int[] labels, float[][] labelSets) {
        if (labelSets != null) {
            float[][] y = pick(List.of(labelSets), batch).toArray(new float[0][]);
            return head() ? training.stepOnFeatures(rows(inputs.trainFeatures(), batch), y)
                    : training.step(EncodedBatch.pad(pick(inputs.trainTokens(), batch), padId), y);
        }
        int[] y = pick(labels, batch);
        return head() ? training.stepOnFeatures(rows(inputs.trainFeatures(), batch), y)
                : training.step(EncodedBatch.pad(pick(inputs.trainTokens(), batch), padId), y);
    }

    /** HEAD mode shuffles cached features freely; FULL mode groups examples of similar token length. */
    private List<int[]> batches(List<Encoded> trainTokens, Random random) {
        if (head()) {
            return LengthBucketBatches.shuffled(train.size(), options.batchSize(), random);
        }
        int[] lengths = trainTokens.stream().mapToInt(Encoded::length).toArray();
        return LengthBucketBatches.batches(lengths, options.batchSize(), LengthBucketBatches.CHUNK_BATCHES, random);
    }

    /**
     * Steps with a non-finite loss or gradient are skipped by {@link ClassifierTraining}; this counts them and
     * declares the run diverged after {@link #MAX_SKIPPED_STEPS} in a row within one epoch.
     */
    private static final class DivergenceGuard {
        private final int epoch;
        private int skippedInARow;

        DivergenceGuard(int epoch) {
            this.epoch = epoch;
        }

        /** Whether the last step was taken, so its loss counts; throws when training has diverged. */
        boolean counts(ClassifierTraining training, float loss) {
            if (!training.lastStepSkipped()) {
                skippedInARow = 0;
                return true;
            }
            LOG.warn("epoch {}: skipped a step with loss {} and gradient norm {}", epoch, loss,
                    training.lastGradientNorm());
            if (++skippedInARow >= MAX_SKIPPED_STEPS) {
                throw new IllegalStateException("training diverged: " + skippedInARow
                        + " steps in a row had a non-finite loss or gradient; try a lower learning rate");
            }
            return false;
        }
    }

    /** Saves the model after {@code epoch} with the state a resumed run needs, and tells the listener where. */
    private void checkpoint(int epoch, int globalStep, List<EpochMetrics> history, Scored last,
            List<Encoded> validationTokens, double wallSeconds) throws IOException {
        Checkpoints.State state = new Checkpoints.State(epoch, globalStep, options.seed(), modeName(), train.size(),
                options.epochs(), wallSeconds, List.copyOf(history));
        Path artifact = Checkpoints.save(options.checkpointDir(), model,
                metrics(history, last, validationTokens, wallSeconds), state);
        listener.onCheckpoint(epoch, artifact);
    }

    /** Pooled features of every input, computed in length-grouped batches; results keep input order. */
    private float[][] features(EvaluationPass pass, List<Encoded> tokens, int doneBefore, int total) {
        float[][] out = new float[tokens.size()][];
        int done = doneBefore;
        for (int[] group : LengthGrouping.groups(tokens.stream().mapToInt(Encoded::length).toArray(), options.evalBatchSize())) {
            ModelScorer.stopIfInterrupted();
            float[][] f = pass.features(EncodedBatch.pad(pick(tokens, group), padId));
            for (int i = 0; i < group.length; i++) {
                out[group[i]] = f[i];
            }
            done += group.length;
            listener.onFeatureExtraction(done, total);
        }
        return out;
    }

    /** Scores the validation data: the head alone on cached features (HEAD mode), else the whole model. */
    private Scored evaluate(EvaluationPass pass, List<Encoded> tokens, float[][] cachedFeatures) {
        float[][] features = cachedFeatures;
        float[][] logits = new float[tokens.size()][];
        if (features != null) {
            for (int from = 0; from < features.length; from += options.evalBatchSize()) {
                int[] batch = range(from, Math.min(features.length, from + options.evalBatchSize()));
                float[][] l = pass.logits(rows(features, batch), batch.length);
                System.arraycopy(l, 0, logits, from, l.length);
            }
        } else {
            EvaluationPass.Outputs out = ModelScorer.run(pass, tokens, padId, options.evalBatchSize());
            features = out.features();
            logits = out.logits();
        }
        if (validation.multiLabel()) {
            float[] thresholds = new float[model.config().numLabels()];
            for (int l = 0; l < thresholds.length; l++) {
                thresholds[l] = model.config().thresholds().get(l);
            }
            return new Scored(null, MultiLabelEvaluation.of(validation.labels(), validation.labelSets(), logits,
                    thresholds), features);
        }
        return new Scored(Evaluation.of(validation.labels(), validation.labelIds(), logits), null, features);
    }

    private EpochMetrics epochMetrics(int epoch, double trainLoss, Scored scored, double examplesPerSecond, double seconds) {
        if (scored == null) {
            return new EpochMetrics(epoch, trainLoss, null, null, null, null, examplesPerSecond, seconds);
        }
        if (scored.multiLabel() != null) { // accuracy: subset accuracy; no weighted F1
            MultiLabelEvaluation m = scored.multiLabel();
            return new EpochMetrics(epoch, trainLoss, m.loss(), m.metrics().subsetAccuracy(), null,
                    m.metrics().macroF1(), examplesPerSecond, seconds);
        }
        Evaluation e = scored.evaluation();
        return new EpochMetrics(epoch, trainLoss, e.loss(), e.metrics().accuracy(), e.metrics().weightedF1(),
                e.metrics().macroF1(), examplesPerSecond, seconds);
    }

    private ObjectNode metrics(List<EpochMetrics> history, Scored last, List<Encoded> validationTokens, double wallSeconds) {
        MetricsJson json = new MetricsJson()
                .model(model.config().name(), model.config().version(), options.parentVersion(), modeName(),
                        model.config().labels(), Instant.now())
                .training(new MetricsJson.Training(train.size(), validation == null ? 0 : validation.size(),
                        options.epochs(), options.batchSize(), options.learningRate(),
                        head() ? options.learningRate() : options.headLearningRate(),
                        options.weightDecay(),
                        options.warmupRatio(), options.maxGradNorm(), options.seed(), wallSeconds,
                        (double) train.size() * history.size() / wallSeconds, model.device().toString()))
                .history(history);
        if (last != null && last.multiLabel() != null) {
            json.multiLabelValidation(last.multiLabel(), validation, MostFrequentLabelSetBaseline.of(train.labels(),
                    train.labelSets(), validation.labelSets()), thresholdsTuned, options.topK());
        } else if (last != null) {
            json.validation(last.evaluation(), validation,
                    MostFrequentBaseline.of(train.labelIds(), validation.labelIds(), train.labels().size()), options.topK());
        }
        json.data(train.classCounts(), validation == null ? null : validation.classCounts(),
                validation == null ? null : tokenLengths(validationTokens));
        return json.json();
    }

    /** Token counts per gold label, of at most {@link #MAX_TOKEN_LENGTHS} validation examples (a seeded sample). */
    private Map<String, List<Integer>> tokenLengths(List<Encoded> tokens) {
        int[] chosen = range(0, tokens.size());
        if (chosen.length > MAX_TOKEN_LENGTHS) {
            List<Integer> all = new ArrayList<>(Arrays.stream(chosen).boxed().toList());
            java.util.Collections.shuffle(all, new Random(options.seed()));
            chosen = all.subList(0, MAX_TOKEN_LENGTHS).stream().mapToInt(Integer::intValue).sorted().toArray();
        }
        Map<String, List<Integer>> out = new LinkedHashMap<>();
        validation.labels().forEach(l -> out.put(l, new ArrayList<>()));
        for (int i : chosen) {
            for (int label : validation.examples().get(i).labelSet()) { // multi-label: under each of its labels
                out.get(validation.labels().get(label)).add(tokens.get(i).length());
            }
        }
        return out;
    }

    private void checkResumable(Checkpoints.State state) {
        if (!state.mode().equals(modeName())) {
            throw new IllegalArgumentException("the checkpoint was trained in " + state.mode() + " mode, not " + modeName());
        }
        if (state.trainExamples() != train.size()) {
            throw new IllegalArgumentException("the checkpoint was trained on " + state.trainExamples()
                    + " examples but this run has " + train.size() + ": resume with the same data");
        }
        if (state.epoch() > options.epochs()) {
            throw new IllegalArgumentException("the checkpoint is at epoch " + state.epoch() + " but only "
                    + options.epochs() + " epochs were asked for");
        }
        if (state.seed() != options.seed()) {
            LOG.warn("the checkpoint was trained with seed {}, this run uses {}", state.seed(), options.seed());
        }
    }

    private static void checkLabels(ClassifierModel model, Dataset data) {
        if (data.multiLabel() != model.config().multiLabel()) {
            throw new IllegalArgumentException(data.source() + (data.multiLabel() ? " is multi-label data but the model is"
                    + " single-label: start from a multi-label model" : " has one label per example but the model is"
                    + " multi-label"));
        }
        if (!data.labels().equals(model.config().labels())) {
            throw new IllegalArgumentException("the labels of " + data.source() + " " + data.labels()
                    + " differ from the model's " + model.config().labels() + " (order matters)");
        }
    }

    private boolean head() {
        return options.mode() == TrainingMode.HEAD;
    }

    private String modeName() {
        return options.mode().name().toLowerCase(Locale.ROOT);
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static int[] range(int from, int to) {
        int[] out = new int[to - from];
        for (int i = 0; i < out.length; i++) {
            out[i] = from + i;
        }
        return out;
    }

    private static int[] pick(int[] values, int[] indices) {
        int[] out = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            out[i] = values[indices[i]];
        }
        return out;
    }

    private static <T> List<T> pick(List<T> values, int[] indices) {
        return Arrays.stream(indices).mapToObj(values::get).toList();
    }

    /** The rows at {@code indices}, concatenated row-major. */
    private static float[] rows(float[][] matrix, int[] indices) {
        int width = matrix[indices[0]].length;
        float[] out = new float[indices.length * width];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(matrix[indices[i]], 0, out, i * width, width);
        }
        return out;
    }
}
