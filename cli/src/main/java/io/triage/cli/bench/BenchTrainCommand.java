package io.triage.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.triage.cli.options.MultiLabelLines;
import io.triage.cli.options.PoolingConverter;
import io.triage.cli.options.TrainingOptions;
import io.triage.model.ClassifierModel;
import io.triage.model.config.DeviceSpec;
import io.triage.model.config.ModelOverrides;
import io.triage.model.config.Pooling;
import io.triage.model.config.ProblemType;
import io.triage.model.io.ModelLoader;
import io.triage.training.data.Dataset;
import io.triage.training.data.DatasetReader;
import io.triage.training.data.ReadSettings;
import io.triage.training.data.StratifiedSplit;
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

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * Fine-tunes the bundled MiniLM on a reference data set and prints accuracy and speed: emotion (6 classes,
 * its own validation file), MRPC (paraphrase pairs, 10% of train.tsv held out, stratified, seed 42) or
 * SemEval-2018 E-c (multi-label: 11 emotions as 0/1 columns, 10% held out, seed 42; micro/macro F1 against the
 * most-frequent-label-set baseline).
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Fine-tune the bundled MiniLM on emotion, MRPC or SemEval-2018 E-c (multi-label) and print "
                + "validation scores and examples/s.")
final class BenchTrainCommand implements Callable<Integer> {
    @Option(names = "--dataset", required = true, description = "emotion, mrpc or semeval2018-ec.")
    String dataset;

    @Mixin
    TrainingOptions training;

    @Option(names = "--pooling", converter = PoolingConverter.class,
            description = "first_token ([CLS]) or mean (the default: all-MiniLM-L6-v2 was trained mean-pooled).")
    Pooling pooling;

    @Option(names = "--datasets", defaultValue = "../shared/datasets", description = "Default: ${DEFAULT-VALUE}.")
    Path datasets;

    @Option(names = "--device", defaultValue = "auto", description = "auto, cpu or gpu:N. Default: ${DEFAULT-VALUE}.")
    String device;

    @Option(names = "--report", paramLabel = "FILE", description = "Also write the run's HTML evaluation report here.")
    Path report;

    @Override
    public Integer call() throws Exception {
        TrainingSettings options = training.options(); // an unknown --mode fails before any data is read
        Dataset train;
        Dataset validation;
        switch (dataset) {
            case "emotion" -> {
                DatasetReader reader = new DatasetReader(ReadSettings.DEFAULTS.withSeparator(';').withNames(List.of("text", "label")));
                train = reader.read(datasets.resolve("emotion/train.txt"));
                validation = reader.read(datasets.resolve("emotion/validation.txt"), train.labels());
            }
            case "mrpc" -> {
                DatasetReader reader = new DatasetReader(ReadSettings.DEFAULTS.withColumns("sentence1", "sentence2", "label")
                        .withLabels(List.of("not_equivalent", "equivalent")));
                StratifiedSplit.Split split = StratifiedSplit.holdout(reader.read(datasets.resolve("mrpc/train.tsv")), 0.1, 42);
                train = split.train();
                validation = split.validation();
            }
            case "semeval2018-ec" -> {
                DatasetReader reader = new DatasetReader(ReadSettings.DEFAULTS.withColumns("Tweet", null, "label")
                        .withLabelColumns(List.of(ReadSettings.ALL_OTHER_COLUMNS)));
                StratifiedSplit.Split split = StratifiedSplit.holdout(
                        reader.read(datasets.resolve("semeval2018-ec/train.tsv")), 0.1, 42);
                train = split.train();
                validation = split.validation();
            }
            default -> throw new IllegalArgumentException("unknown dataset '" + dataset
                    + "': use emotion, mrpc or semeval2018-ec");
        }
        train = training.limited(train);
        EngineSeed.set(options.seed());
        System.out.printf(Locale.ROOT, "bench train: %s, %s mode, %d train / %d validation examples, %d epochs, %d cores%n",
                dataset, training.modeName(), train.size(), validation.size(), options.epochs(),
                Runtime.getRuntime().availableProcessors());
        TrainingResult result;
        String poolingUsed;
        ModelOverrides overrides = new ModelOverrides(null, null, train.labels(), pooling, null,
                train.multiLabel() ? ProblemType.MULTI_LABEL : null);
        try (ClassifierModel model = ModelLoader.load(ModelLoader.BUNDLED, overrides, DeviceSpec.parse(device))) {
            poolingUsed = model.config().pooling().name().toLowerCase(Locale.ROOT);
            result = FineTuner.run(model, train, validation, options, ConsoleProgress.onStandardError());
        }
        JsonNode t = result.metrics().get("training");
        JsonNode v = result.metrics().get("validation");
        List<String[]> rows = new ArrayList<>(List.of(new String[][] {
            {"dataset", dataset},
            {"mode", training.modeName()},
            {"pooling", poolingUsed},
            {"train / validation examples", train.size() + " / " + validation.size()},
            {"epochs", String.valueOf(options.epochs())},
            {"device", t.get("device").asText()},
            {"examples/s (train examples x epochs / wall)", String.format(Locale.ROOT, "%.1f", t.get("examples_per_second").asDouble())},
            {"wall time", String.format(Locale.ROOT, "%.1f s", t.get("wall_seconds").asDouble())}}));
        if (MultiLabelLines.isMultiLabel(v)) {
            rows.addAll(MultiLabelLines.headline(v));
        } else {
            rows.addAll(List.of(new String[][] {
                {"validation accuracy", String.format(Locale.ROOT, "%.4f", v.get("accuracy").asDouble())},
                {"validation weighted F1", String.format(Locale.ROOT, "%.4f", v.get("weighted_f1").asDouble())},
                {"validation macro F1", String.format(Locale.ROOT, "%.4f", v.get("macro_f1").asDouble())},
                {"most-frequent baseline accuracy", String.format(Locale.ROOT, "%.4f ('%s')",
                        v.get("baseline").get("accuracy").asDouble(), v.get("baseline").get("label").asText())}}));
        }
        for (String[] row : rows) {
            System.out.printf(Locale.ROOT, "%-45s %s%n", row[0], row[1]);
        }
        if (MultiLabelLines.isMultiLabel(v)) {
            MultiLabelLines.perLabel(v).forEach(System.out::println);
        }
        if (report != null) {
            TrainingProjection.addTo(result, train.labels(), options.seed());
            Files.createDirectories(report.toAbsolutePath().getParent());
            HtmlReport.write(result.metrics(), report);
            System.out.printf(Locale.ROOT, "%-45s %s%n", "report", report.toAbsolutePath());
        }
        return 0;
    }
}
