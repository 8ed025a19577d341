package io.triage.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.triage.model.ClassifierModel;
import io.triage.model.explain.Attribution;
import io.triage.model.explain.Baseline;
import io.triage.model.explain.IntegratedGradients;
import io.triage.model.explain.LabeledText;
import io.triage.model.explain.NearestExamples;
import io.triage.model.explain.Neighbour;
import io.triage.model.text.TextInput;
import io.triage.training.data.Dataset;
import io.triage.training.data.DatasetException;
import io.triage.training.data.DatasetReader;
import io.triage.training.data.Example;
import io.triage.training.data.ReadSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

@Command(name = "explain", mixinStandardHelpOptions = true,
        description = "Explain one classification as JSON: which tokens pushed each label's score up or down "
                + "(integrated gradients on the input embeddings, with its completeness gap) and the nearest labeled "
                + "examples in the model's pooled feature space.")
final class ExplainCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Mixin
    ModelOptions model;

    @Option(names = "--pair", paramLabel = "TEXT", description = "Second segment: explain a (text, pair) sentence pair.")
    String pair;

    @Option(names = "--label", paramLabel = "LABEL", description = "Attributions for this label only (default: every label).")
    String label;

    @Option(names = "--examples", paramLabel = "FILE",
            description = "Labeled examples (CSV, TSV or JSONL with text and label columns, as triage train reads), e.g. "
                    + "the model's training data: the nearest of them are listed.")
    Path examples;

    @Option(names = "--examples-limit", paramLabel = "N", defaultValue = "10000",
            description = "Read at most this many examples from --examples. Default: ${DEFAULT-VALUE}.")
    int examplesLimit;

    @Option(names = "--nearest", paramLabel = "K", defaultValue = "" + NearestExamples.DEFAULT_COUNT,
            description = "How many nearest examples to list. Default: ${DEFAULT-VALUE}.")
    int nearest;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "" + IntegratedGradients.DEFAULT_STEPS,
            description = "Steps of the integrated-gradients path (more: a smaller completeness gap, slower). "
                    + "Default: ${DEFAULT-VALUE}.")
    int steps;

    @Option(names = "--steps-per-pass", paramLabel = "N", defaultValue = "" + IntegratedGradients.DEFAULT_STEPS_PER_PASS,
            description = "Path steps batched into one forward pass. Default: ${DEFAULT-VALUE}.")
    int stepsPerPass;

    @Option(names = "--baseline", paramLabel = "KIND", defaultValue = "pad",
            description = "What the path starts from: pad (the padding token's embedding) or zero. Default: ${DEFAULT-VALUE}.")
    String baseline;

    @Parameters(index = "0", paramLabel = "TEXT", description = "The text to explain.")
    String text;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        try {
            spec.commandLine().getOut().println(JSON.writeValueAsString(explain()));
            return 0;
        } catch (DatasetException | IllegalArgumentException e) {
            spec.commandLine().getErr().println("triage explain: " + e.getMessage());
            return 2;
        }
    }

    private ObjectNode explain() throws IOException {
        if (text.isBlank() || (pair != null && pair.isBlank())) {
            throw new IllegalArgumentException("nothing to explain: " + (text.isBlank() ? "TEXT" : "--pair") + " is empty");
        }
        if (nearest < 1 || examplesLimit < 1) {
            throw new IllegalArgumentException("--nearest and --examples-limit must be at least 1");
        }
        TextInput input = new TextInput(text, pair);
        Baseline start = Baseline.parse(baseline); // bad options and files fail before the model loads
        List<LabeledText> labeled = examples == null ? null : labeledExamples();
        try (ClassifierModel loaded = model.load()) {
            int only = label == null ? -1 : Attribution.indexOf(loaded.config().labels(), label);
            IntegratedGradients method = new IntegratedGradients(loaded, steps, stepsPerPass, start);
            Attribution attribution = method.explain(input);
            ObjectNode out = JSON.createObjectNode();
            out.putObject("model").put("name", loaded.config().name()).put("version", loaded.config().version())
                    .put("head_trained", loaded.headTrained());
            ObjectNode in = out.putObject("input").put("text", text);
            if (pair != null) {
                in.put("pair", pair);
            }
            in.put("tokens", attribution.tokens().size()).put("max_length", loaded.config().maxLength())
                    .put("truncated", loaded.tokenizer().windows(input, 0).size() > 1);
            prediction(out.putObject("prediction"), attribution);
            List<Integer> shown = only >= 0 ? List.of(only)
                    : java.util.stream.IntStream.range(0, attribution.labels().size()).boxed().toList();
            method(out.putObject("attribution"), attribution, start, shown);
            tokens(out.putArray("tokens"), attribution, shown);
            if (labeled != null) {
                neighbours(out.putArray("nearest_examples"), new NearestExamples(loaded).find(input,
                        labeled.iterator(), nearest));
            }
            return out;
        }
    }

    private static void prediction(ObjectNode node, Attribution a) {
        node.put("label", a.labels().get(a.predicted())).put("score", a.scores()[a.predicted()]);
        ObjectNode scores = node.putObject("scores");
        for (int j = 0; j < a.labels().size(); j++) {
            scores.put(a.labels().get(j), a.scores()[j]);
        }
    }

    /** How the attributions were made and the completeness check: per label, the sum against the score's move. */
    private void method(ObjectNode node, Attribution a, Baseline start, List<Integer> shown) {
        node.put("method", "integrated_gradients").put("target", "probability")
                .put("baseline", start.name().toLowerCase(java.util.Locale.ROOT))
                .put("steps", a.steps()).put("max_abs_completeness_gap", a.maxAbsoluteGap());
        ObjectNode perLabel = node.putObject("completeness");
        for (int j : shown) {
            perLabel.putObject(a.labels().get(j))
                    .put("sum_of_attributions", a.total(j))
                    .put("score", a.scores()[j])
                    .put("baseline_score", a.baselineScores()[j])
                    .put("gap", a.gap(j));
        }
    }

    private static void tokens(ArrayNode node, Attribution a, List<Integer> shown) {
        for (int t = 0; t < a.tokens().size(); t++) {
            ObjectNode token = node.addObject().put("index", t).put("token", a.tokens().get(t));
            ObjectNode perLabel = token.putObject("attributions");
            for (int j : shown) {
                perLabel.put(a.labels().get(j), a.attributions()[j][t]);
            }
        }
    }

    private static void neighbours(ArrayNode node, List<Neighbour> found) {
        for (Neighbour n : found) {
            ObjectNode example = node.addObject().put("label", n.example().label()).put("similarity", n.similarity())
                    .put("text", n.example().input().text());
            if (n.example().input().isPair()) {
                example.put("pair", n.example().input().textPair());
            }
        }
    }

    /** The examples file as triage train reads it, each example with its label's name (a set joined by ','). */
    private List<LabeledText> labeledExamples() {
        Dataset data;
        try {
            data = new DatasetReader(ReadSettings.DEFAULTS.withLimit(examplesLimit)).read(examples);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read --examples " + examples + ": " + e);
        }
        return data.examples().stream().map(e -> new LabeledText(e.input(), labelOf(data, e))).toList();
    }

    private static String labelOf(Dataset data, Example e) {
        return e.labelSet().stream().map(data.labels()::get).collect(Collectors.joining(","));
    }
}
