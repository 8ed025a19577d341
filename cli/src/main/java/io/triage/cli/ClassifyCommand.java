package io.triage.cli;

import io.triage.model.infer.Classification;
import io.triage.model.infer.Precision;
import io.triage.model.infer.TextClassifier;
import io.triage.model.text.LongInputs;
import io.triage.model.text.TextInput;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "classify", mixinStandardHelpOptions = true,
        description = "Classify texts given on the command line and print label, score and every class's probability.")
final class ClassifyCommand implements Callable<Integer> {
    @Mixin
    ModelOptions model;

    @Option(names = "--pair", paramLabel = "TEXT", description = "Second segment: classify (text, pair) sentence pairs.")
    String pair;

    @Option(names = "--long-input", paramLabel = "MODE", defaultValue = "truncate",
            description = "Inputs past the model's max length: truncate (default) or window (overlapping windows, "
                    + "logits averaged).")
    String longInput;

    @Option(names = "--stride", paramLabel = "TOKENS", defaultValue = "64",
            description = "Tokens two neighbouring windows share with --long-input window (at most half a window).")
    int stride;

    @Parameters(arity = "1..*", paramLabel = "TEXT", description = "Texts to classify.")
    List<String> texts;

    @Override
    public Integer call() throws Exception {
        List<TextInput> inputs = texts.stream().map(t -> new TextInput(t, pair)).toList();
        LongInputs longInputs = LongInputs.parse(longInput, stride);
        try (TextClassifier classifier = TextClassifier.of(model.load(), Precision.FP32, longInputs)) {
            if (!classifier.model().headTrained()) {
                System.err.println("WARNING: this model's classification head is UNTRAINED (fresh random weights):"
                        + " the labels below are noise until it is trained (triage train)");
            }
            List<Classification> results = classifier.classify(inputs);
            for (int i = 0; i < inputs.size(); i++) {
                Classification c = results.get(i);
                // a multi-label model's answer is the labels over their thresholds; single-label lines stay as they were
                String applying = classifier.model().config().multiLabel() ? "labels " + c.labels() + "  " : "";
                System.out.printf(Locale.ROOT, "%s%-12s %.4f  %s  (model %s)  %s%n", applying, c.label(), c.score(),
                        c.scores(), c.modelVersion(), inputs.get(i).text());
            }
        }
        return 0;
    }
}
