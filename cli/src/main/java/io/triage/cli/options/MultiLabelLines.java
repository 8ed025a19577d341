package io.triage.cli.options;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** What {@code train} and {@code bench train} print of a multi-label model's validation block of metrics.json. */
public final class MultiLabelLines {
    private MultiLabelLines() {}

    /** Whether the block is a multi-label model's. */
    public static boolean isMultiLabel(JsonNode validation) {
        return validation != null && "multi_label_classification".equals(validation.path("problem_type").asText());
    }

    /** Name/value rows: micro and macro F1, subset accuracy, Hamming loss, and the baseline's. */
    public static List<String[]> headline(JsonNode v) {
        JsonNode b = v.path("baseline");
        List<String[]> rows = new ArrayList<>();
        rows.add(row("validation micro F1", v.path("micro_f1")));
        rows.add(row("validation macro F1", v.path("macro_f1")));
        rows.add(row("validation subset accuracy", v.path("subset_accuracy")));
        rows.add(row("validation Hamming loss", v.path("hamming_loss")));
        rows.add(new String[] {"thresholds", v.path("thresholds_tuned").asBoolean()
                ? "tuned on the validation data (scores optimistic)" : "as the model has them"});
        List<String> set = new ArrayList<>();
        b.path("labels").forEach(l -> set.add(l.asText()));
        rows.add(new String[] {"most-frequent-label-set baseline", String.format(Locale.ROOT,
                "micro F1 %.4f, macro F1 %.4f, subset accuracy %.4f ({%s})", b.path("micro_f1").asDouble(),
                b.path("macro_f1").asDouble(), b.path("subset_accuracy").asDouble(), String.join(", ", set))});
        return rows;
    }

    /** One line per label: threshold, precision, recall, F1, support. */
    public static List<String> perLabel(JsonNode v) {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "%-20s %9s %9s %9s %9s %8s", "label", "threshold", "precision", "recall",
                "F1", "support"));
        for (JsonNode c : v.path("per_class")) {
            lines.add(String.format(Locale.ROOT, "%-20s %9.2f %9.4f %9.4f %9.4f %8d", c.path("label").asText(),
                    c.path("threshold").asDouble(), c.path("precision").asDouble(), c.path("recall").asDouble(),
                    c.path("f1").asDouble(), c.path("support").asInt()));
        }
        return lines;
    }

    private static String[] row(String name, JsonNode value) {
        return new String[] {name, String.format(Locale.ROOT, "%.4f", value.asDouble())};
    }
}
