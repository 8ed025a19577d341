package io.triage.training.report;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.UnaryOperator;

import static io.triage.training.report.ReportSections.card;
import static io.triage.training.report.ReportSections.cell;
import static io.triage.training.report.ReportSections.notAvailable;
import static io.triage.training.report.ReportSections.section;
import static io.triage.training.report.ReportSections.signed;

/**
 * The report's sections for a multi-label model: the headline (micro/macro F1 against the most-frequent-label-set
 * baseline, subset accuracy, Hamming loss) and per label its scores, its threshold and its precision, recall and
 * F1 at every threshold (so a reader sees what moving a threshold would buy).
 */
final class MultiLabelSections {
    private final JsonNode validation;
    private final UnaryOperator<String> swatch;

    MultiLabelSections(JsonNode validation, UnaryOperator<String> swatch) {
        this.validation = validation;
        this.swatch = swatch;
    }

    String headline() {
        StringBuilder html = section("headline", "Headline numbers (validation set, multi-label)");
        JsonNode baseline = validation.path("baseline");
        html.append("<div class=\"cards\">");
        versusBaseline(html, "micro F1", "micro_f1", "every label decision pooled");
        versusBaseline(html, "macro F1", "macro_f1", "every label counts the same");
        card(html, "subset accuracy", JsonValues.number(validation.path("subset_accuracy")),
                "predicted set exactly the gold set");
        card(html, "Hamming loss", JsonValues.number(validation.path("hamming_loss")), "share of wrong label decisions");
        OptionalDouble loss = JsonValues.number(validation.path("loss"));
        html.append("<div class=\"card\"><div class=\"card-title\">loss</div><div class=\"big\">")
                .append(loss.isPresent() ? Html.loss(loss.getAsDouble()) : "not available")
                .append("</div><div class=\"muted\">mean binary cross-entropy per label</div></div>");
        List<String> set = JsonValues.texts(baseline.path("labels"));
        card(html, "most-frequent-label-set baseline micro F1", JsonValues.number(baseline.path("micro_f1")),
                "always predicts {" + String.join(", ", set) + "}; macro F1 "
                        + JsonValues.number(baseline.path("macro_f1")).stream().mapToObj(Html::metric).findFirst()
                        .orElse("n/a"));
        html.append("</div>");
        if (validation.path("thresholds_tuned").asBoolean(false)) {
            html.append("<p class=\"muted\">The thresholds were tuned on this validation data, so these scores are"
                    + " optimistic; judge the model on data it was not tuned on.</p>");
        }
        return html.append("</section>").toString();
    }

    private void versusBaseline(StringBuilder html, String title, String key, String note) {
        OptionalDouble value = JsonValues.number(validation.path(key));
        OptionalDouble baseline = JsonValues.number(validation.path("baseline").path(key));
        card(html, title, value, value.isPresent() && baseline.isPresent()
                ? signed(value.getAsDouble() - baseline.getAsDouble()) + " over the baseline; " + note : note);
    }

    /** The per-label table (with thresholds) beside the label balance, then one threshold curve per label. */
    String perLabel(String classDistribution) {
        StringBuilder html = section("classes", "Per-label results");
        html.append("<div class=\"grid2\"><figure><figcaption>Precision, recall and F1 per label at its threshold;"
                + " support is the number of validation examples the label applies to.</figcaption>")
                .append(table()).append("</figure>").append(classDistribution).append("</div>");
        html.append("<h3>Threshold curves</h3><p class=\"muted\">Each label's precision, recall and F1 on the"
                + " validation set if its threshold were each value from 0.05 to 0.95: a lower threshold trades"
                + " precision for recall.</p>");
        html.append(curves());
        return html.append("</section>").toString();
    }

    private String table() {
        JsonNode perClass = validation.path("per_class");
        if (!perClass.isArray() || perClass.isEmpty()) {
            return notAvailable("metrics.json has no validation.per_class");
        }
        StringBuilder html = new StringBuilder("<table class=\"numbers\"><thead><tr><th class=\"text\">label</th>"
                + "<th>threshold</th><th>precision</th><th>recall</th><th>F1</th><th>support</th></tr></thead><tbody>");
        for (JsonNode c : perClass) {
            String label = JsonValues.text(c.path("label")).orElse("not available");
            html.append("<tr><td class=\"text\">").append(swatch.apply(label)).append(Html.escape(label)).append("</td>");
            cell(html, JsonValues.number(c.path("threshold")), v -> Html.fixed(v, 2));
            cell(html, JsonValues.number(c.path("precision")), Html::metric);
            cell(html, JsonValues.number(c.path("recall")), Html::metric);
            cell(html, JsonValues.number(c.path("f1")), Html::metric);
            cell(html, JsonValues.number(c.path("support")), v -> Html.count(Math.round(v)));
            html.append("</tr>");
        }
        return html.append("</tbody></table>").toString();
    }

    private String curves() {
        JsonNode curves = validation.path("threshold_curves");
        Optional<double[]> thresholds = JsonValues.numbers(curves.path("thresholds"));
        if (thresholds.isEmpty() || !curves.path("labels").isArray() || curves.path("labels").isEmpty()) {
            return notAvailable("metrics.json has no validation.threshold_curves");
        }
        double[] x = thresholds.get();
        StringBuilder html = new StringBuilder("<div class=\"grid2\">");
        int n = 0;
        for (JsonNode c : curves.path("labels")) {
            String label = JsonValues.text(c.path("label")).orElse("label " + n);
            List<LineChart.Series> series = new ArrayList<>();
            String[] keys = {"precision", "recall", "f1"};
            for (int k = 0; k < keys.length; k++) {
                Optional<double[]> y = JsonValues.numbers(c.path(keys[k]));
                if (y.isPresent() && y.get().length == x.length) {
                    series.add(new LineChart.Series(keys[k].equals("f1") ? "F1" : keys[k],
                            Palette.CATEGORICAL.get(k), x, y.get()));
                }
            }
            html.append("<figure><figcaption>").append(Html.escape(label)).append("</figcaption>");
            html.append(series.isEmpty() ? notAvailable("the curve of " + label + " has no values")
                    : LineChart.render("chart-threshold-" + n, "Precision, recall and F1 of " + label
                            + " per threshold", "threshold", "score", series, List.of(), true));
            html.append("</figure>");
            n++;
        }
        return html.append("</div>").toString();
    }
}
