package io.triage.training.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.triage.training.data.Dataset;
import io.triage.training.data.Example;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/**
 * Builds metrics.json as the contract with the HTML report fixes it: snake_case keys, numbers as numbers,
 * null instead of NaN, blocks {@code model}, {@code training}, {@code history}, {@code validation},
 * {@code data} (the {@code projection} block is added by whoever computes it).
 */
public final class MetricsJson {
    /** snake_case for records, so {@link EpochMetrics} and {@link Training} serialize and read back as the contract names them. */
    public static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private final ObjectNode root = JSON.createObjectNode();

    /** The {@code training} block; {@code head_learning_rate} is an addition to the contract's keys. */
    public record Training(int trainExamples, int validationExamples, int epochs, int batchSize, double learningRate,
            double headLearningRate, double weightDecay, double warmupRatio, double maxGradNorm, long seed, double wallSeconds,
            double examplesPerSecond, String device) {}

    public MetricsJson model(String name, String version, String parentVersion, String mode, List<String> labels,
            Instant createdAt) {
        ObjectNode m = root.putObject("model");
        m.put("name", name);
        m.put("version", version);
        m.put("parent_version", parentVersion);
        m.put("mode", mode);
        labels.forEach(m.putArray("labels")::add);
        m.put("created_at", createdAt.truncatedTo(ChronoUnit.SECONDS).toString());
        return this;
    }

    public MetricsJson training(Training t) {
        root.set("training", finite(JSON.valueToTree(t)));
        return this;
    }

    public MetricsJson history(List<EpochMetrics> epochs) {
        root.set("history", finite(JSON.valueToTree(epochs)));
        return this;
    }

    /**
     * The {@code validation} block: scores of {@code evaluation} on {@code validation}, the baseline, and the
     * {@code k} highest- and lowest-loss examples.
     */
    public MetricsJson validation(Evaluation evaluation, Dataset validation, MostFrequentBaseline baseline, int k) {
        ClassificationMetrics m = evaluation.metrics();
        List<String> labels = validation.labels();
        ObjectNode v = root.putObject("validation");
        number(v, "loss", evaluation.loss());
        number(v, "accuracy", m.accuracy());
        number(v, "weighted_f1", m.weightedF1());
        number(v, "macro_f1", m.macroF1());
        ArrayNode perClass = v.putArray("per_class");
        for (ClassificationMetrics.ClassScores c : m.perClass()) {
            classRow(perClass, c);
        }
        ArrayNode normalized = v.putArray("confusion_normalized");
        for (double[] row : m.normalizedConfusion()) {
            ArrayNode r = normalized.addArray();
            for (double x : row) {
                r.add(x);
            }
        }
        ArrayNode counts = v.putArray("confusion_counts");
        for (long[] row : m.confusion()) {
            ArrayNode r = counts.addArray();
            for (long x : row) {
                r.add(x);
            }
        }
        ObjectNode b = v.putObject("baseline");
        b.put("strategy", "most_frequent");
        b.put("label", labels.get(baseline.label()));
        number(b, "accuracy", baseline.accuracy());
        examples(v.putArray("highest_loss"), evaluation, validation, evaluation.highestLoss(k));
        examples(v.putArray("lowest_loss"), evaluation, validation, evaluation.lowestLoss(k));
        return this;
    }

    /**
     * The {@code validation} block of a multi-label model ({@code problem_type: multi_label_classification}):
     * micro/macro F1, Hamming loss, subset accuracy, per-label scores and thresholds, each label's precision,
     * recall and F1 at every threshold of {@link MultiLabelEvaluation#CURVE_THRESHOLDS}, the baseline, and the
     * {@code k} highest- and lowest-loss examples with their gold and predicted label sets.
     *
     * @param thresholdsTuned whether the thresholds were tuned on this same validation data (scores then optimistic)
     */
    public MetricsJson multiLabelValidation(MultiLabelEvaluation evaluation, Dataset validation,
            MostFrequentLabelSetBaseline baseline, boolean thresholdsTuned, int k) {
        MultiLabelMetrics m = evaluation.metrics();
        List<String> labels = validation.labels();
        ObjectNode v = root.putObject("validation");
        v.put("problem_type", "multi_label_classification");
        number(v, "loss", evaluation.loss());
        number(v, "micro_f1", m.microF1());
        number(v, "macro_f1", m.macroF1());
        number(v, "hamming_loss", m.hammingLoss());
        number(v, "subset_accuracy", m.subsetAccuracy());
        v.put("thresholds_tuned", thresholdsTuned);
        ArrayNode perClass = v.putArray("per_class");
        for (int l = 0; l < labels.size(); l++) {
            number(classRow(perClass, m.perLabel().get(l)), "threshold", evaluation.thresholds()[l]);
        }
        ObjectNode curves = v.putObject("threshold_curves");
        ArrayNode at = curves.putArray("thresholds");
        for (float t : MultiLabelEvaluation.CURVE_THRESHOLDS) {
            at.add(t);
        }
        ArrayNode perLabel = curves.putArray("labels");
        for (List<ClassificationMetrics.ClassScores> curve : evaluation.curves()) {
            ObjectNode row = perLabel.addObject();
            row.put("label", curve.get(0).label());
            curve.forEach(c -> row.withArray("precision").add(c.precision()));
            curve.forEach(c -> row.withArray("recall").add(c.recall()));
            curve.forEach(c -> row.withArray("f1").add(c.f1()));
        }
        ObjectNode b = v.putObject("baseline");
        b.put("strategy", "most_frequent_label_set");
        baseline.labelNames(labels).forEach(b.putArray("labels")::add);
        number(b, "micro_f1", baseline.metrics().microF1());
        number(b, "macro_f1", baseline.metrics().macroF1());
        number(b, "subset_accuracy", baseline.metrics().subsetAccuracy());
        number(b, "hamming_loss", baseline.metrics().hammingLoss());
        double[] losses = exampleLosses(evaluation, validation);
        multiLabelExamples(v.putArray("highest_loss"), evaluation, validation, losses, Evaluation.ranked(losses, k, true));
        multiLabelExamples(v.putArray("lowest_loss"), evaluation, validation, losses, Evaluation.ranked(losses, k, false));
        return this;
    }

    /** Each example's mean binary cross-entropy over its labels. */
    private static double[] exampleLosses(MultiLabelEvaluation evaluation, Dataset validation) {
        float[][] gold = validation.labelSets();
        double[] out = new double[gold.length];
        for (int i = 0; i < gold.length; i++) {
            for (int l = 0; l < gold[i].length; l++) {
                double p = Math.min(Math.max(evaluation.probabilities()[i][l], 1e-7), 1 - 1e-7);
                out[i] -= (gold[i][l] > 0.5f ? Math.log(p) : Math.log(1 - p)) / gold[i].length;
            }
        }
        return out;
    }

    private static void multiLabelExamples(ArrayNode out, MultiLabelEvaluation evaluation, Dataset validation,
            double[] losses, int[] indices) {
        for (int i : indices) {
            Example e = validation.examples().get(i);
            ObjectNode row = out.addObject();
            row.put("text", e.input().text());
            row.put("text_pair", e.input().textPair());
            row.put("gold", String.join(", ", e.labelSet().stream().map(validation.labels()::get).toList()));
            List<String> predicted = new java.util.ArrayList<>();
            for (int l = 0; l < validation.labels().size(); l++) {
                if (evaluation.predicted()[i][l]) {
                    predicted.add(validation.labels().get(l));
                }
            }
            row.put("predicted", String.join(", ", predicted));
            number(row, "loss", losses[i]);
        }
    }

    /**
     * The {@code data} block.
     *
     * @param tokenLengths token counts of validation examples per gold label (null leaves them out)
     */
    public MetricsJson data(Map<String, Integer> trainClassCounts, Map<String, Integer> validationClassCounts,
            Map<String, List<Integer>> tokenLengths) {
        ObjectNode d = root.putObject("data");
        d.set("train_class_counts", JSON.valueToTree(trainClassCounts));
        if (validationClassCounts != null) {
            d.set("validation_class_counts", JSON.valueToTree(validationClassCounts));
        }
        if (tokenLengths != null) {
            d.set("token_lengths", JSON.valueToTree(tokenLengths));
        }
        return this;
    }

    public ObjectNode json() {
        return root.deepCopy();
    }

    private static void examples(ArrayNode out, Evaluation evaluation, Dataset validation, int[] indices) {
        for (int i : indices) {
            Example e = validation.examples().get(i);
            ObjectNode row = out.addObject();
            row.put("text", e.input().text());
            row.put("text_pair", e.input().textPair());
            row.put("gold", validation.labels().get(e.label()));
            row.put("predicted", validation.labels().get(evaluation.predicted()[i]));
            number(row, "loss", evaluation.exampleLosses()[i]);
        }
    }

    /** A {@code per_class} row: label, precision, recall, F1, support. */
    private static ObjectNode classRow(ArrayNode perClass, ClassificationMetrics.ClassScores c) {
        ObjectNode row = perClass.addObject();
        row.put("label", c.label());
        number(row, "precision", c.precision());
        number(row, "recall", c.recall());
        number(row, "f1", c.f1());
        row.put("support", c.support());
        return row;
    }

    private static void number(ObjectNode node, String field, double value) {
        if (Double.isFinite(value)) {
            node.put(field, value);
        } else {
            node.putNull(field);
        }
    }

    /** Replaces non-finite numbers (NaN, infinities) with null: JSON has no NaN. */
    private static JsonNode finite(JsonNode node) {
        if (node instanceof ObjectNode o) {
            o.fieldNames().forEachRemaining(f -> o.set(f, finite(o.get(f))));
        } else if (node instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                a.set(i, finite(a.get(i)));
            }
        } else if (node.isNumber() && !Double.isFinite(node.asDouble())) {
            return JSON.nullNode();
        }
        return node;
    }
}
