package io.triage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.triage.cli.options.MultiLabelLines;
import io.triage.cli.options.TrainingOptions;
import io.triage.model.ClassifierModel;
import io.triage.model.config.DeviceSpec;
import io.triage.model.config.ModelOverrides;
import io.triage.model.config.ProblemType;
import io.triage.model.io.ModelArtifact;
import io.triage.model.io.ModelLoader;
import io.triage.training.data.DataFormat;
import io.triage.training.data.Dataset;
import io.triage.training.data.DatasetException;
import io.triage.training.data.DatasetReader;
import io.triage.training.data.ReadSettings;
import io.triage.training.data.StratifiedSplit;
import io.triage.training.eval.EpochMetrics;
import io.triage.training.report.HtmlReport;
import io.triage.training.report.TrainingProjection;
import io.triage.training.train.ConsoleProgress;
import io.triage.training.train.EngineSeed;
import io.triage.training.train.FineTuner;
import io.triage.training.train.TrainingSettings;
import io.triage.training.train.TrainingResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code triage train}: fine-tunes a model on a labeled file and writes a versioned artifact with metrics.json. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Fine-tune a classifier on labeled data, evaluating after every epoch.",
            "Writes OUT/model (config.json, tokenizer.json, model.safetensors, metrics.json, report.html) and a "
                    + "checkpoint per epoch in OUT/checkpoints; --resume continues from the latest one."})
final class TrainCommand implements Callable<Integer> {
    @Option(names = "--train", required = true, paramLabel = "FILE", description = "Training data (csv, tsv, jsonl or text).")
    Path trainFile;

    @Option(names = "--validation", paramLabel = "FILE", description = "Validation data, evaluated after every epoch.")
    Path validationFile;

    @Option(names = "--holdout", defaultValue = "0.1", paramLabel = "FRACTION",
            description = "Without --validation: hold out this share of every class of the training data "
                    + "(seeded by --seed); 0 trains without validation. Default: ${DEFAULT-VALUE}.")
    double holdout;

    @Option(names = "--format", paramLabel = "FORMAT", description = "csv, tsv, jsonl or text (default: from the file extension).")
    String format;

    @Option(names = "--sep", paramLabel = "CHAR", description = "Field separator, e.g. ';' or '\\t' (default: the format's).")
    String separator;

    @Option(names = "--names", split = ",", paramLabel = "NAME",
            description = "Column names of a file without header line (e.g. text,label).")
    List<String> names;

    @Option(names = "--header", negatable = true, description = "Whether the first line names the columns "
            + "(default: yes for csv/tsv unless --names is given).")
    Boolean header;

    @Option(names = "--quoting", negatable = true, description = "Whether \" quotes fields (default: only for csv).")
    Boolean quoting;

    @Option(names = "--text-column", defaultValue = "text", description = "Default: ${DEFAULT-VALUE}.")
    String textColumn;

    @Option(names = "--pair-column", description = "Second text of sentence-pair tasks.")
    String pairColumn;

    @Option(names = "--label-column", defaultValue = "label", description = "Default: ${DEFAULT-VALUE}.")
    String labelColumn;

    @Option(names = "--label-columns", split = ",", paramLabel = "NAME",
            description = "Multi-label data with one 0/1 column per label (SemEval-2018 E-c): the label columns, "
                    + "or '*' for every column after the text column(s).")
    List<String> labelColumns;

    @Option(names = "--label-separator", paramLabel = "SEP",
            description = "Multi-label data whose label column lists the labels that apply, e.g. '|' for "
                    + "toxic|insult (empty: none); in JSONL an array works too.")
    String labelSeparator;

    @Mixin
    TrainingOptions training;

    @Option(names = "--batch-size", description = "Default: 64 (head), 32 (full).")
    Integer batchSize;

    @Option(names = "--seed", defaultValue = "42", description = "Default: ${DEFAULT-VALUE}.")
    long seed;

    @Mixin
    ModelOptions model;

    @Option(names = "--name", description = "Model name recorded in the artifact (default: the source model's).")
    String name;

    @Option(names = "--model-version", paramLabel = "VERSION",
            description = "Version of the new model (default: v1, or vN+1 when --model is a Triage artifact at vN).")
    String version;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
    Path out;

    @Option(names = "--resume", description = "Continue from the latest complete checkpoint in OUT/checkpoints.")
    boolean resume;

    @Override
    public Integer call() throws Exception {
        try {
            return train();
        } catch (DatasetException | IllegalArgumentException e) {
            System.err.println("triage train: " + e.getMessage());
            return 2;
        }
    }

    private int train() throws IOException {
        Path artifact = out.resolve("model");
        if (Files.exists(artifact)) {
            throw new IllegalArgumentException(artifact + " exists already: choose another --out");
        }
        TrainingSettings chosen = training.options(); // an unknown --mode fails before any data is read
        JsonNode artifactConfig = triageArtifactConfig(model.source);
        List<String> labels = model.labels != null ? model.labels : labelsOf(artifactConfig);
        ReadSettings read = ReadSettings.DEFAULTS
                .withFormat(format == null ? null : DataFormat.parse(format))
                .withSeparator(separator == null ? null : separator(separator))
                .withNames(names).withHeader(header).withQuoting(quoting)
                .withColumns(textColumn, pairColumn, labelColumn)
                .withLabels(labels);
        if (labelColumns != null) {
            read = read.withLabelColumns(labelColumns);
        } else if (labelSeparator != null) {
            read = read.withLabelSeparator(labelSeparator);
        }
        DatasetReader reader = new DatasetReader(read);
        Dataset train = reader.read(trainFile);
        Dataset validation = null;
        if (validationFile != null) {
            validation = reader.read(validationFile, train.labels());
        } else if (holdout > 0) {
            StratifiedSplit.Split split = StratifiedSplit.holdout(train, holdout, seed);
            train = split.train();
            validation = split.validation();
        }
        train = training.limited(train);
        System.err.printf(Locale.ROOT, "triage train: %d training examples, %s, labels %s%n", train.size(),
                validation == null ? "no validation" : validation.size() + " validation examples", train.labels());

        String parent = artifactConfig == null ? null : artifactConfig.path("triage").path("version").asText(null);
        TrainingSettings options = (batchSize == null ? chosen : chosen.withBatchSize(batchSize)).withSeed(seed)
                .withParentVersion(parent)
                .withCheckpoints(out.resolve("checkpoints"), resume);
        EngineSeed.set(seed); // a fresh head starts the same for the same seed
        ModelOverrides overrides = new ModelOverrides(name, version != null ? version : nextVersion(parent),
                train.labels(), model.pooling, model.maxLength, train.multiLabel() ? ProblemType.MULTI_LABEL : null);
        try (ClassifierModel classifier = ModelLoader.load(model.source, overrides, DeviceSpec.parse(model.device))) {
            TrainingResult result = FineTuner.run(classifier, train, validation, options, ConsoleProgress.onStandardError());
            TrainingProjection.addTo(result, train.labels(), seed);
            String sha = ModelArtifact.save(classifier, artifact, result.metrics(), HtmlReport.asArtifactFile(result.metrics()));
            printSummary(result, artifact, sha, artifact.resolve(HtmlReport.FILE_NAME));
        }
        return 0;
    }

    private static void printSummary(TrainingResult result, Path artifact, String sha, Path report) {
        JsonNode training = result.metrics().get("training");
        System.out.printf(Locale.ROOT, "%nTrained in %.1f s, %.1f examples/s on %s%n", training.get("wall_seconds").asDouble(),
                training.get("examples_per_second").asDouble(), training.get("device").asText());
        System.out.printf(Locale.ROOT, "%5s %11s %9s %9s %12s %9s %9s %8s%n",
                "epoch", "train loss", "val loss", "accuracy", "weighted F1", "macro F1", "ex/s", "seconds");
        for (EpochMetrics m : result.history()) {
            System.out.printf(Locale.ROOT, "%5d %11.4f %9s %9s %12s %9s %9.1f %8.1f%n", m.epoch(), m.trainLoss(),
                    fmt(m.valLoss()), fmt(m.valAccuracy()), fmt(m.valWeightedF1()), fmt(m.valMacroF1()),
                    m.examplesPerSecond(), m.seconds());
        }
        JsonNode validation = result.metrics().get("validation");
        if (MultiLabelLines.isMultiLabel(validation)) {
            MultiLabelLines.headline(validation).forEach(r -> System.out.printf(Locale.ROOT, "%s: %s%n", r[0], r[1]));
            System.out.println();
            MultiLabelLines.perLabel(validation).forEach(System.out::println);
        } else if (validation != null) {
            JsonNode baseline = validation.get("baseline");
            System.out.printf(Locale.ROOT, "most-frequent baseline ('%s'): accuracy %.4f%n",
                    baseline.get("label").asText(), baseline.get("accuracy").asDouble());
            System.out.printf(Locale.ROOT, "%n%-20s %9s %9s %9s %8s%n", "label", "precision", "recall", "F1", "support");
            for (JsonNode c : validation.get("per_class")) {
                System.out.printf(Locale.ROOT, "%-20s %9.4f %9.4f %9.4f %8d%n", c.get("label").asText(),
                        c.get("precision").asDouble(), c.get("recall").asDouble(), c.get("f1").asDouble(),
                        c.get("support").asInt());
            }
        }
        System.out.printf("%nmodel:   %s (sha256 %s)%nmetrics: %s%nreport:  %s%n", artifact, sha,
                artifact.resolve("metrics.json"), report);
    }

    private static String fmt(Double value) {
        return value == null ? "-" : String.format(Locale.ROOT, "%.4f", value);
    }

    static char separator(String s) {
        String v = s.equals("\\t") || s.equalsIgnoreCase("tab") ? "\t" : s;
        if (v.length() != 1) {
            throw new IllegalArgumentException("--sep must be one character (or \\t), got '" + s + "'");
        }
        return v.charAt(0);
    }

    /** The config.json of a Triage artifact (one with a {@code triage} section); null for other sources. */
    private static JsonNode triageArtifactConfig(String source) throws IOException {
        Path config = Path.of(source).resolve("config.json");
        if (ModelLoader.BUNDLED.equals(source) || !Files.isRegularFile(config)) {
            return null;
        }
        JsonNode root = new ObjectMapper().readTree(config.toFile());
        return root.path("triage").isObject() ? root : null;
    }

    /**
     * A Triage artifact's labels in its output order, so that continuing its training keeps its head and the
     * data must use them; for other sources (null) the labels come from the data.
     */
    private static List<String> labelsOf(JsonNode artifactConfig) {
        if (artifactConfig == null) {
            return null;
        }
        JsonNode id2label = artifactConfig.path("id2label");
        List<String> labels = new ArrayList<>();
        for (int i = 0; id2label.has(String.valueOf(i)); i++) {
            labels.add(id2label.get(String.valueOf(i)).asText());
        }
        return labels.isEmpty() ? null : labels;
    }

    private static final Pattern NUMBERED = Pattern.compile("v(\\d+)");

    static String nextVersion(String parent) {
        Matcher m = parent == null ? null : NUMBERED.matcher(parent);
        return m != null && m.matches() ? "v" + (Long.parseLong(m.group(1)) + 1) : "v1";
    }
}
