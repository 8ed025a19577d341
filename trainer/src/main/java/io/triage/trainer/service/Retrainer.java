package io.triage.trainer.service;

import io.triage.model.ClassifierModel;
import ai.djl.Device;
import io.triage.model.config.DeviceSpec;
import io.triage.model.config.ModelOverrides;
import io.triage.model.config.ProblemType;
import io.triage.model.drift.ReferenceProfile;
import io.triage.model.io.ArtifactFetcher;
import io.triage.model.io.FetchedArtifact;
import io.triage.model.io.ModelLoader;
import io.triage.model.train.TrainingMode;
import io.triage.schemas.ModelUpdate;
import io.triage.service.ModelUpdateLog;
import io.triage.training.data.Dataset;
import io.triage.training.data.DatasetReader;
import io.triage.training.data.Example;
import io.triage.training.data.ReadSettings;
import io.triage.training.eval.ClassificationMetrics;
import io.triage.training.eval.Evaluation;
import io.triage.training.eval.MostFrequentBaseline;
import io.triage.training.eval.MostFrequentLabelSetBaseline;
import io.triage.training.eval.MultiLabelMetrics;
import io.triage.training.report.TrainingProjection;
import io.triage.training.train.EngineSeed;
import io.triage.training.train.FineTuner;
import io.triage.training.train.ModelScorer;
import io.triage.training.train.TrainingListener;
import io.triage.training.train.TrainingSettings;
import io.triage.training.train.TrainingResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * One training run of the service: the snapshot's training side → fine-tune, starting from the latest published
 * version (or the base model before any) → score the trained model and the current one on the same evaluation set
 * (the held-out feedback, plus the fixed evaluation file if one is configured) → publish only if the new model is
 * not worse than the current one by more than the tolerance.
 */
final class Retrainer {
    private static final Logger LOG = LoggerFactory.getLogger(Retrainer.class);

    /** The metric promotion compares. */
    enum PromotionMetric {
        ACCURACY, MACRO_F1;

        double of(ClassificationMetrics m) {
            return this == ACCURACY ? m.accuracy() : m.macroF1();
        }

        /** A multi-label model's: subset accuracy (the whole label set right), or macro F1 over the labels. */
        double of(MultiLabelMetrics m) {
            return this == ACCURACY ? m.subsetAccuracy() : m.macroF1();
        }
    }

    private final TrainerSettings config;
    private final FeedbackStore store;
    private final ModelUpdateLog updates;
    private final ModelPublisher publisher;
    private final ArtifactFetcher fetcher;
    private final HoldoutSplit holdout;
    private final PromotionMetric metric;
    private final double tolerance;
    private final TrainingMode mode;

    Retrainer(TrainerSettings config, FeedbackStore store, ModelUpdateLog updates, ModelPublisher publisher,
              ArtifactFetcher fetcher) {
        this.config = config;
        this.store = store;
        this.updates = updates;
        this.publisher = publisher;
        this.fetcher = fetcher;
        this.holdout = new HoldoutSplit(config.getDouble(TrainerSettings.HOLDOUT_FRACTION, 0, 0.99));
        this.metric = config.getEnum(TrainerSettings.PROMOTION_METRIC, PromotionMetric.class);
        this.tolerance = config.getDouble(TrainerSettings.PROMOTION_TOLERANCE, 0, 1);
        this.mode = config.getEnum(TrainerSettings.TRAIN_MODE, TrainingMode.class);
    }

    /** The labels new feedback must have; empty while nothing fixes them (then the first run takes what it sees). */
    List<String> knownLabels() {
        List<String> configured = config.getList(TrainerSettings.MODEL_LABELS);
        return configured.isEmpty() ? updates.latest().map(ModelUpdate::getLabels).orElse(List.of()) : configured;
    }

    RunOutcome run() throws Exception {
        Optional<ModelUpdate> current = updates.latest();
        List<FeedbackExample> examples = store.examples();
        List<String> labels = labels(current, examples);
        List<FeedbackExample> usable = examples.stream().filter(e -> labels.containsAll(e.applying())).toList();
        // multi-label as soon as the feedback holds label sets; single-label examples are then sets of one
        boolean multiLabel = usable.stream().anyMatch(FeedbackExample::multiLabel);
        if (usable.size() < examples.size()) {
            LOG.warn("{} stored examples have labels outside {} and are left out", examples.size() - usable.size(), labels);
        }
        Dataset train = dataset("feedback (training side)", labels, usable, false, multiLabel);
        Dataset evaluation = withEvalFile(dataset("feedback (held out)", labels, usable, true, multiLabel));
        if (train.isEmpty() || evaluation.isEmpty()) {
            return RunOutcome.skipped("not enough feedback yet: " + train.size() + " training and " + evaluation.size()
                    + " evaluation examples (both must be > 0)");
        }
        String version = publisher.nextVersion(current);
        String parent = current.map(ModelUpdate::getVersion).orElse(null);
        try (ClassifierModel model = load(current, labels, version, multiLabel)) {
            if (model.config().multiLabel() && !multiLabel) { // a multi-label version, single labels this time
                train = asLabelSets(train);
                evaluation = asLabelSets(evaluation);
            }
            double currentScore = currentScore(current, model, train, evaluation);
            TrainingResult result = FineTuner.run(model, train, evaluation, options(parent), TrainingListener.NONE);
            TrainingProjection.addTo(result, labels, config.getLong(TrainerSettings.TRAIN_SEED, 0));
            double candidate = multiLabel ? metric.of(result.multiLabelEvaluation().metrics())
                    : metric.of(result.evaluation().metrics());
            String compared = String.format(Locale.ROOT, "%s %s %.4f vs %s %.4f on %d evaluation examples", version,
                    metric.name().toLowerCase(Locale.ROOT), candidate, parent == null ? "majority-class guess" : parent,
                    currentScore, evaluation.size());
            if (candidate < currentScore - tolerance) {
                return new RunOutcome(RunOutcome.Status.KEPT_CURRENT, version, candidate, currentScore,
                        "not published, worse than the current version by more than " + tolerance + ": " + compared);
            }
            ReferenceProfile reference = ModelScorer.profile(model, evaluation, 64); // for live drift
            ModelUpdate update = publisher.publish(model, result.metrics(), scores(result, train.size()), parent, mode,
                    Optional.of(reference));
            return new RunOutcome(RunOutcome.Status.PROMOTED, version, candidate, currentScore,
                    "published " + update.getArtifactUri() + ": " + compared);
        }
    }

    /**
     * The configured labels, else the current version's, else the sorted labels of the feedback; with
     * {@code labels.allow.new}, feedback labels the model lacks are appended (sorted) for a fresh head.
     */
    private List<String> labels(Optional<ModelUpdate> current, List<FeedbackExample> examples) {
        List<String> known = config.getList(TrainerSettings.MODEL_LABELS);
        if (known.isEmpty()) {
            known = current.map(ModelUpdate::getLabels).orElse(List.of());
        }
        TreeSet<String> seen = new TreeSet<>();
        examples.forEach(e -> seen.addAll(e.applying()));
        if (known.isEmpty()) {
            return List.copyOf(seen);
        }
        List<String> out = new ArrayList<>(known);
        if (config.getBoolean(TrainerSettings.LABELS_ALLOW_NEW)) {
            seen.stream().filter(l -> !out.contains(l)).forEach(out::add);
        }
        return out;
    }

    private Dataset dataset(String source, List<String> labels, List<FeedbackExample> examples, boolean heldOut,
            boolean multiLabel) {
        List<Example> out = new ArrayList<>();
        for (FeedbackExample e : examples) {
            if (holdout.isHeldOut(e.id()) == heldOut) {
                out.add(multiLabel ? Example.multi(e.input(), e.applying().stream().map(labels::indexOf).toList(), 0)
                        : new Example(e.input(), labels.indexOf(e.label()), 0));
            }
        }
        return new Dataset(source, labels, out, multiLabel);
    }

    /** Single-label examples as label sets of one, for a multi-label model. */
    private static Dataset asLabelSets(Dataset data) {
        List<Example> out = data.examples().stream()
                .map(e -> Example.multi(e.input(), List.of(e.label()), e.line())).toList();
        return new Dataset(data.source(), data.labels(), out, true);
    }

    private Dataset withEvalFile(Dataset heldOut) throws java.io.IOException {
        String file = config.get(TrainerSettings.EVAL_FILE);
        if (file.isBlank()) {
            return heldOut;
        }
        // a multi-label evaluation file lists each example's labels separated by '|'
        ReadSettings read = heldOut.multiLabel() ? ReadSettings.DEFAULTS.withLabelSeparator("|") : ReadSettings.DEFAULTS;
        Dataset fixed = new DatasetReader(read).read(Path.of(file), heldOut.labels());
        List<Example> all = new ArrayList<>(heldOut.examples());
        all.addAll(fixed.examples());
        return new Dataset(heldOut.source() + " + " + file, heldOut.labels(), all, heldOut.multiLabel());
    }

    /** The latest version (its hash checked), or the base model before any; given the next version's name. */
    private ClassifierModel load(Optional<ModelUpdate> current, List<String> labels, String version, boolean multiLabel)
            throws Exception {
        ModelOverrides overrides = ModelOverrides.NONE.withName(config.get(TrainerSettings.MODEL_NAME))
                .withVersion(version).withLabels(labels).withProblemType(multiLabel ? ProblemType.MULTI_LABEL : null);
        Device device = DeviceSpec.parse(config.get(TrainerSettings.MODEL_DEVICE));
        if (current.isEmpty()) {
            EngineSeed.set(config.getInt(TrainerSettings.TRAIN_SEED, 0)); // the fresh head
            return ModelLoader.load(config.get(TrainerSettings.MODEL_BASE), overrides, device);
        }
        try (FetchedArtifact artifact = fetcher.fetchVerified(current.get().getArtifactUri(), current.get().getSha256())) {
            return ModelLoader.load(artifact.folder().toString(), overrides, device); // a download is deleted once loaded
        }
    }

    /**
     * The current version's score on the evaluation set, from the model as loaded (before training changes it).
     * Before any version, or when the label set changed (a fresh head), it is the majority-class guess.
     */
    private double currentScore(Optional<ModelUpdate> current, ClassifierModel model, Dataset train, Dataset evaluation) {
        if (evaluation.multiLabel()) {
            if (current.isPresent() && current.get().getLabels().equals(evaluation.labels())) {
                return metric.of(ModelScorer.evaluateMultiLabel(model, evaluation, 64).metrics());
            }
            return metric.of(MostFrequentLabelSetBaseline.of(train.labels(), train.labelSets(), evaluation.labelSets())
                    .metrics());
        }
        if (current.isPresent() && current.get().getLabels().equals(evaluation.labels())) {
            Evaluation e = ModelScorer.evaluate(model, evaluation, 64);
            return metric.of(e.metrics());
        }
        MostFrequentBaseline guess = MostFrequentBaseline.of(train.labelIds(), evaluation.labelIds(), train.labels().size());
        int[] predicted = new int[evaluation.size()];
        java.util.Arrays.fill(predicted, guess.label());
        return metric.of(ClassificationMetrics.of(evaluation.labels(), evaluation.labelIds(), predicted));
    }

    private TrainingSettings options(String parent) {
        TrainingSettings o = TrainingSettings.defaults(mode).withSeed(config.getLong(TrainerSettings.TRAIN_SEED, 0))
                .withParentVersion(parent);
        String epochs = config.get(TrainerSettings.TRAIN_EPOCHS);
        return epochs.isBlank() ? o : o.withEpochs(config.getInt(TrainerSettings.TRAIN_EPOCHS, 1));
    }

    private static Map<String, Double> scores(TrainingResult result, int trainingExamples) {
        if (result.multiLabelEvaluation() != null) {
            MultiLabelMetrics m = result.multiLabelEvaluation().metrics();
            Map<String, Double> out = new LinkedHashMap<>();
            out.put("micro_f1", m.microF1());
            out.put("macro_f1", m.macroF1());
            out.put("subset_accuracy", m.subsetAccuracy());
            out.put("hamming_loss", m.hammingLoss());
            out.put("loss", result.multiLabelEvaluation().loss());
            out.put("training_examples", (double) trainingExamples);
            return out;
        }
        ClassificationMetrics m = result.evaluation().metrics();
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("accuracy", m.accuracy());
        out.put("macro_f1", m.macroF1());
        out.put("weighted_f1", m.weightedF1());
        out.put("loss", result.evaluation().loss());
        out.put("training_examples", (double) trainingExamples);
        return out;
    }
}
