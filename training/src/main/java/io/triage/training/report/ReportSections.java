package io.triage.training.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.function.DoubleFunction;

/**
 * The report's sections, each read from its block of metrics.json. A section whose block is absent or
 * malformed says "not available" and why; nothing here throws on bad input.
 */
final class ReportSections {
    private static final String NOT_AVAILABLE = "not available";
    /** A single missing number inside a table. */
    private static final String MISSING_CELL = "n/a";
    private static final int LABELS_BESIDE_TABLE = 8;
    /** Widths (SVG user units) of a chart in one column of the page and across the page. */
    private static final double HALF_WIDTH = 560;
    private static final double FULL_WIDTH = 1120;

    private final JsonNode model;
    private final JsonNode training;
    private final JsonNode history;
    private final JsonNode validation;
    private final JsonNode data;
    private final JsonNode projection;
    private final List<String> modelLabels;
    /** The model's labels, then any other label met in the file: a label's index is its colour everywhere. */
    private final List<String> colourOrder;

    ReportSections(JsonNode metrics) {
        this.model = block(metrics, "model");
        this.training = block(metrics, "training");
        this.history = metrics.path("history").isArray() ? metrics.path("history") : MissingNode.getInstance();
        this.validation = block(metrics, "validation");
        this.data = block(metrics, "data");
        this.projection = block(metrics, "projection");
        this.modelLabels = JsonValues.texts(model.path("labels"));
        Set<String> order = new LinkedHashSet<>(modelLabels);
        validation.path("per_class").forEach(c -> JsonValues.text(c.path("label")).ifPresent(order::add));
        order.addAll(JsonValues.counts(data.path("train_class_counts")).keySet());
        order.addAll(JsonValues.counts(data.path("validation_class_counts")).keySet());
        data.path("token_lengths").fieldNames().forEachRemaining(order::add);
        projection.path("points").forEach(p -> JsonValues.text(p.path("label")).ifPresent(order::add));
        this.colourOrder = List.copyOf(order);
    }

    private static JsonNode block(JsonNode metrics, String key) {
        JsonNode node = metrics.path(key);
        return node.isObject() ? node : MissingNode.getInstance();
    }

    String title() {
        return "Triage evaluation report: " + modelName();
    }

    private String modelName() {
        String name = JsonValues.text(model.path("name")).orElse("unnamed model");
        return JsonValues.text(model.path("version")).map(v -> name + " " + v).orElse(name);
    }

    String header() {
        StringBuilder html = new StringBuilder("<header><p class=\"kicker\">Triage evaluation report</p><h1>")
                .append(Html.escape(modelName())).append("</h1>");
        if (model.isMissingNode()) {
            return html.append(notAvailable("metrics.json has no model block")).append("</header>").toString();
        }
        html.append("<dl class=\"facts\">");
        fact(html, "version", JsonValues.text(model.path("version")).orElse(NOT_AVAILABLE));
        fact(html, "parent version", JsonValues.text(model.path("parent_version")).orElse("none (first version)"));
        fact(html, "mode", JsonValues.text(model.path("mode")).map(ReportSections::describeMode).orElse(NOT_AVAILABLE));
        fact(html, "created", JsonValues.text(model.path("created_at")).orElse(NOT_AVAILABLE));
        html.append("</dl><p class=\"labels\"><span class=\"muted\">").append(modelLabels.size())
                .append(" labels:</span> ");
        for (String label : modelLabels) {
            html.append("<span class=\"chip\">").append(swatch(label)).append(Html.escape(label)).append("</span> ");
        }
        if (modelLabels.isEmpty()) {
            html.append(NOT_AVAILABLE);
        }
        return html.append("</p></header>").toString();
    }

    private static String describeMode(String mode) {
        return switch (mode) {
            case "head" -> "head (encoder frozen, classification head trained)";
            case "full" -> "full (encoder and head fine-tuned)";
            default -> mode;
        };
    }

    /** Whether the validation block is a multi-label model's ({@link MultiLabelSections}). */
    private boolean multiLabel() {
        return "multi_label_classification".equals(validation.path("problem_type").asText());
    }

    String headline() {
        if (multiLabel()) {
            return new MultiLabelSections(validation, this::swatch).headline();
        }
        StringBuilder html = section("headline", "Headline numbers (validation set)");
        if (validation.isMissingNode()) {
            return html.append(notAvailable("metrics.json has no validation block")).append("</section>").toString();
        }
        OptionalDouble baseline = JsonValues.number(validation.path("baseline").path("accuracy"));
        html.append("<div class=\"cards\">");
        OptionalDouble accuracy = JsonValues.number(validation.path("accuracy"));
        String versusBaseline = accuracy.isPresent() && baseline.isPresent()
                ? signed(accuracy.getAsDouble() - baseline.getAsDouble()) + " over the baseline" : "";
        card(html, "accuracy", accuracy, versusBaseline);
        card(html, "weighted F1", JsonValues.number(validation.path("weighted_f1")), "F1 per class, weighted by support");
        card(html, "macro F1", JsonValues.number(validation.path("macro_f1")), "every class counts the same");
        OptionalDouble loss = JsonValues.number(validation.path("loss"));
        html.append("<div class=\"card\"><div class=\"card-title\">loss</div><div class=\"big\">")
                .append(loss.isPresent() ? Html.loss(loss.getAsDouble()) : NOT_AVAILABLE)
                .append("</div><div class=\"muted\">mean cross-entropy</div></div>");
        String strategy = JsonValues.text(validation.path("baseline").path("strategy")).orElse("baseline")
                .replace('_', '-');
        String baselineLabel = JsonValues.text(validation.path("baseline").path("label"))
                .map(l -> "always predicts \u201c" + l + "\u201d").orElse("");
        card(html, strategy + " baseline accuracy", baseline, baselineLabel);
        return html.append("</div></section>").toString();
    }

    static void card(StringBuilder html, String title, OptionalDouble value, String note) {
        html.append("<div class=\"card\"><div class=\"card-title\">").append(Html.escape(title))
                .append("</div><div class=\"big\">")
                .append(value.isPresent() ? Html.metric(value.getAsDouble()) : NOT_AVAILABLE)
                .append("</div><div class=\"muted\">").append(Html.escape(note)).append("</div></div>");
    }

    String trainingSettings() {
        StringBuilder html = section("training", "Training settings");
        if (training.isMissingNode()) {
            return html.append(notAvailable("metrics.json has no training block")).append("</section>").toString();
        }
        html.append("<dl class=\"facts settings\">");
        Map<String, String> names = Map.ofEntries(
                Map.entry("train_examples", "training examples"), Map.entry("validation_examples", "validation examples"),
                Map.entry("epochs", "epochs"), Map.entry("batch_size", "batch size"),
                Map.entry("learning_rate", "learning rate"), Map.entry("head_learning_rate", "head learning rate"),
                Map.entry("weight_decay", "weight decay"),
                Map.entry("warmup_ratio", "warm-up ratio"), Map.entry("max_grad_norm", "gradient clipping norm"),
                Map.entry("seed", "seed"), Map.entry("wall_seconds", "wall time"),
                Map.entry("examples_per_second", "throughput"), Map.entry("device", "device"));
        training.fields().forEachRemaining(e -> {
            String key = e.getKey();
            OptionalDouble number = JsonValues.number(e.getValue());
            String value;
            if (number.isPresent() && key.endsWith("_examples")) {
                value = Html.count(Math.round(number.getAsDouble()));
            } else if (number.isPresent() && key.equals("wall_seconds")) {
                value = duration(number.getAsDouble());
            } else if (number.isPresent() && key.equals("examples_per_second")) {
                value = Html.fixed(number.getAsDouble(), 1) + " examples/s";
            } else if (number.isPresent()) {
                value = Html.plain(number.getAsDouble());
            } else {
                value = JsonValues.text(e.getValue()).orElse(NOT_AVAILABLE);
            }
            fact(html, names.getOrDefault(key, key), value);
        });
        return html.append("</dl></section>").toString();
    }

    private static String duration(double seconds) {
        long whole = Math.round(seconds);
        String human = whole >= 3600 ? (whole / 3600) + " h " + (whole % 3600 / 60) + " min"
                : whole >= 60 ? (whole / 60) + " min " + (whole % 60) + " s" : whole + " s";
        return Html.fixed(seconds, 1) + " s (" + human + ")";
    }

    String trainingCurves() {
        StringBuilder html = section("curves", "Training curves");
        List<JsonNode> epochs = new ArrayList<>();
        history.forEach(e -> {
            if (JsonValues.number(e.path("epoch")).isPresent()) {
                epochs.add(e);
            }
        });
        if (epochs.isEmpty()) {
            return html.append(notAvailable("metrics.json has no per-epoch history")).append("</section>").toString();
        }
        double[] epochNumbers = epochs.stream().mapToDouble(e -> e.path("epoch").asDouble()).toArray();
        html.append("<div class=\"grid2\"><figure><figcaption>Loss per epoch: validation loss rising while training"
                + " loss falls means over-fitting.</figcaption>");
        List<LineChart.Series> losses = new ArrayList<>();
        addSeries(losses, "training loss", Palette.CATEGORICAL.get(0), epochNumbers, epochs, "train_loss");
        addSeries(losses, "validation loss", Palette.CATEGORICAL.get(1), epochNumbers, epochs, "val_loss");
        html.append(losses.isEmpty() ? notAvailable("the history has no losses")
                : LineChart.render("chart-loss", "Training and validation loss per epoch", "loss", losses,
                List.of(), true));
        html.append("</figure><figure><figcaption>Validation accuracy and F1 per epoch, against the baseline."
                + "</figcaption>");
        List<LineChart.Series> quality = new ArrayList<>();
        addSeries(quality, "accuracy", Palette.CATEGORICAL.get(0), epochNumbers, epochs, "val_accuracy");
        addSeries(quality, "weighted F1", Palette.CATEGORICAL.get(2), epochNumbers, epochs, "val_weighted_f1");
        addSeries(quality, "macro F1", Palette.CATEGORICAL.get(3), epochNumbers, epochs, "val_macro_f1");
        List<LineChart.Reference> references = new ArrayList<>();
        JsonValues.number(validation.path("baseline").path("accuracy"))
                .ifPresent(b -> references.add(new LineChart.Reference("baseline", b)));
        html.append(quality.isEmpty() ? notAvailable("the history has no validation accuracy or F1")
                : LineChart.render("chart-quality", "Validation accuracy, weighted F1 and macro F1 per epoch",
                "score", quality, references, false));
        html.append("</figure></div>");
        html.append("<table class=\"numbers\"><thead><tr><th>epoch</th><th>training loss</th><th>validation loss</th>"
                + "<th>accuracy</th><th>weighted F1</th><th>macro F1</th><th>examples/s</th><th>seconds</th>"
                + "</tr></thead><tbody>");
        for (JsonNode e : epochs) {
            html.append("<tr>");
            cell(html, JsonValues.number(e.path("epoch")), Html::plain);
            cell(html, JsonValues.number(e.path("train_loss")), Html::loss);
            cell(html, JsonValues.number(e.path("val_loss")), Html::loss);
            cell(html, JsonValues.number(e.path("val_accuracy")), Html::metric);
            cell(html, JsonValues.number(e.path("val_weighted_f1")), Html::metric);
            cell(html, JsonValues.number(e.path("val_macro_f1")), Html::metric);
            cell(html, JsonValues.number(e.path("examples_per_second")), v -> Html.fixed(v, 1));
            cell(html, JsonValues.number(e.path("seconds")), v -> Html.fixed(v, 1));
            html.append("</tr>");
        }
        return html.append("</tbody></table></section>").toString();
    }

    /** Adds the series when at least one epoch has {@code key}; epochs without it are NaN (left out). */
    private static void addSeries(List<LineChart.Series> out, String name, String color, double[] epochNumbers,
                                  List<JsonNode> epochs, String key) {
        double[] values = epochs.stream()
                .mapToDouble(e -> JsonValues.number(e.path(key)).orElse(Double.NaN)).toArray();
        if (Arrays.stream(values).anyMatch(v -> !Double.isNaN(v))) {
            out.add(new LineChart.Series(name, color, epochNumbers, values));
        }
    }

    /**
     * Up to {@link #LABELS_BESIDE_TABLE} labels the confusion matrix sits beside the per-class table and the class
     * balance; with more it takes the full width so that its cells stay readable.
     */
    String confusionAndPerClass() {
        if (multiLabel()) {
            return new MultiLabelSections(validation, this::swatch).perLabel(classDistribution());
        }
        StringBuilder html = section("classes", "Per-class results");
        boolean wide = modelLabels.size() > LABELS_BESIDE_TABLE;
        String matrix = "<figure><figcaption>Confusion matrix: each row is a gold label and shows where its"
                + " examples went; the diagonal is what was right.</figcaption>"
                + confusionMatrix(wide ? FULL_WIDTH : HALF_WIDTH) + "</figure>";
        String table = "<figure><figcaption>Precision, recall and F1 per label; support is the number of"
                + " validation examples.</figcaption>" + perClassTable() + "</figure>";
        if (wide) {
            html.append(matrix).append("<div class=\"grid2\">").append(table).append(classDistribution());
        } else {
            html.append("<div class=\"grid2\">").append(matrix).append("<div>").append(table)
                    .append(classDistribution()).append("</div>");
        }
        return html.append("</div></section>").toString();
    }

    private String confusionMatrix(double maxWidth) {
        if (validation.isMissingNode() || validation.path("confusion_normalized").isMissingNode()) {
            return notAvailable("metrics.json has no validation.confusion_normalized");
        }
        if (modelLabels.isEmpty()) {
            return notAvailable("model.labels is missing, so rows and columns have no names");
        }
        Optional<double[][]> normalized =
                JsonValues.squareMatrix(validation.path("confusion_normalized"), modelLabels.size());
        if (normalized.isEmpty()) {
            return notAvailable("validation.confusion_normalized is not a " + modelLabels.size() + " x "
                    + modelLabels.size() + " matrix of numbers (one row and column per label)");
        }
        double[][] counts = JsonValues.squareMatrix(validation.path("confusion_counts"), modelLabels.size())
                .orElse(null);
        return ConfusionHeatmap.render(modelLabels, normalized.get(), counts, maxWidth);
    }

    private String perClassTable() {
        JsonNode perClass = validation.path("per_class");
        if (!perClass.isArray() || perClass.isEmpty()) {
            return notAvailable("metrics.json has no validation.per_class");
        }
        StringBuilder html = new StringBuilder("<table class=\"numbers\"><thead><tr><th class=\"text\">label</th>"
                + "<th>precision</th><th>recall</th><th>F1</th><th>support</th></tr></thead><tbody>");
        for (JsonNode c : perClass) {
            String label = JsonValues.text(c.path("label")).orElse(NOT_AVAILABLE);
            html.append("<tr><td class=\"text\">").append(swatch(label)).append(Html.escape(label)).append("</td>");
            cell(html, JsonValues.number(c.path("precision")), Html::metric);
            cell(html, JsonValues.number(c.path("recall")), Html::metric);
            OptionalDouble f1 = JsonValues.number(c.path("f1"));
            if (f1.isPresent()) {
                double width = Math.max(0, Math.min(1, f1.getAsDouble())) * 100;
                html.append("<td><span class=\"bar\"><span style=\"width:").append(Html.fixed(width, 1))
                        .append("%\"></span></span>").append(Html.metric(f1.getAsDouble())).append("</td>");
            } else {
                html.append("<td>").append(MISSING_CELL).append("</td>");
            }
            cell(html, JsonValues.number(c.path("support")), v -> Html.count(Math.round(v)));
            html.append("</tr>");
        }
        return html.append("</tbody></table>").toString();
    }

    /** Class balance sits beside the per-class table: a rare label is usually the worst learned. */
    private String classDistribution() {
        StringBuilder html = new StringBuilder("<figure><figcaption>Class balance: a label that is rare in training"
                + " is usually learned worst; training and validation should look alike.</figcaption>");
        List<ClassDistributionChart.Split> splits = new ArrayList<>();
        Map<String, Double> train = JsonValues.counts(data.path("train_class_counts"));
        Map<String, Double> val = JsonValues.counts(data.path("validation_class_counts"));
        if (!train.isEmpty()) {
            splits.add(new ClassDistributionChart.Split("training", Palette.TRAIN, train));
        }
        if (!val.isEmpty()) {
            splits.add(new ClassDistributionChart.Split("validation", Palette.VALIDATION, val));
        }
        if (splits.isEmpty()) {
            html.append(notAvailable("metrics.json has no data.train_class_counts or data.validation_class_counts"));
        } else {
            List<String> labels = colourOrder.stream()
                    .filter(l -> train.containsKey(l) || val.containsKey(l)).toList();
            html.append(ClassDistributionChart.render(labels, splits));
        }
        return html.append("</figure>").toString();
    }

    String tokenLengths() {
        StringBuilder html = section("token-lengths", "Token lengths");
        html.append("<figure><figcaption>Token lengths of validation examples per gold label (special tokens"
                + " included, after truncation); a spike at the right edge means texts were cut.</figcaption>");
        List<TokenLengthHistograms.Panel> panels = new ArrayList<>();
        for (String label : colourOrder) {
            JsonValues.numbers(data.path("token_lengths").path(label))
                    .filter(lengths -> lengths.length > 0)
                    .ifPresent(lengths -> panels.add(
                            new TokenLengthHistograms.Panel(label, colourOrder.indexOf(label), lengths)));
        }
        html.append(panels.isEmpty() ? notAvailable("metrics.json has no data.token_lengths")
                : TokenLengthHistograms.render(panels));
        return html.append("</figure></section>").toString();
    }

    String featureProjection() {
        StringBuilder html = section("projection", "Feature space");
        if (multiLabel()) {
            return html.append(notAvailable("not drawn for a multi-label model: an example has no one gold label to"
                    + " colour its point by")).append("</section>").toString();
        }
        List<FeatureProjection.Point> points = new ArrayList<>();
        projection.path("points").forEach(p -> {
            OptionalDouble x = JsonValues.number(p.path("x"));
            OptionalDouble y = JsonValues.number(p.path("y"));
            Optional<String> label = JsonValues.text(p.path("label"));
            if (x.isPresent() && y.isPresent() && label.isPresent()) {
                points.add(new FeatureProjection.Point(x.getAsDouble(), y.getAsDouble(), label.get()));
            }
        });
        if (points.isEmpty()) {
            return html.append(notAvailable("metrics.json has no projection points")).append("</section>").toString();
        }
        String method = JsonValues.text(projection.path("method")).orElse("pca");
        String features = JsonValues.text(projection.path("features")).orElse("features");
        html.append("<figure><figcaption>").append(points.size()).append(" validation examples: their ")
                .append(Html.escape(features)).append(" projected to 2-D with ")
                .append(Html.escape(method.toUpperCase(Locale.ROOT)))
                .append(", coloured by gold label. Labels that overlap here are hard for the head to tell apart.")
                .append("</figcaption>").append(ProjectionScatter.render(colourOrder, points, method));
        return html.append("</figure></section>").toString();
    }

    String errorAnalysis() {
        StringBuilder html = section("errors", "Error analysis");
        html.append("<p class=\"explain\">The examples with the <strong>highest loss</strong> are those the model was"
                + " most confidently wrong about (or right about with the least confidence). That is where mislabeled"
                + " data hides: read them first, and fix their labels when the gold label is wrong rather than the"
                + " model. The <strong>lowest-loss</strong> examples show what the model finds easy.</p>");
        html.append("<h3>Highest loss</h3>").append(examples(validation.path("highest_loss"), "validation.highest_loss"));
        html.append("<h3>Lowest loss</h3>").append(examples(validation.path("lowest_loss"), "validation.lowest_loss"));
        return html.append("</section>").toString();
    }

    private String examples(JsonNode list, String key) {
        if (!list.isArray() || list.isEmpty()) {
            return notAvailable("metrics.json has no " + key);
        }
        StringBuilder html = new StringBuilder("<table class=\"examples\"><colgroup><col class=\"rank\"/><col/>"
                + "<col class=\"label\"/><col class=\"label\"/><col class=\"loss\"/></colgroup><thead><tr><th>#</th>"
                + "<th class=\"text\">text</th><th class=\"text\">gold</th><th class=\"text\">predicted</th><th>loss</th>"
                + "</tr></thead><tbody>");
        int rank = 1;
        for (JsonNode e : list) {
            String gold = JsonValues.text(e.path("gold")).orElse(NOT_AVAILABLE);
            String predicted = JsonValues.text(e.path("predicted")).orElse(NOT_AVAILABLE);
            boolean right = gold.equals(predicted);
            html.append("<tr><td>").append(rank++).append("</td><td class=\"text example\">")
                    .append(Html.escape(JsonValues.text(e.path("text")).orElse(NOT_AVAILABLE)));
            JsonValues.text(e.path("text_pair")).ifPresent(pair ->
                    html.append("<div class=\"pair\"><span class=\"muted\">pair: </span>").append(Html.escape(pair))
                            .append("</div>"));
            html.append("</td><td class=\"text\">").append(swatch(gold)).append(Html.escape(gold))
                    .append("</td><td class=\"text ").append(right ? "right" : "wrong").append("\">")
                    .append(right ? "\u2713 " : "\u2717 ").append(Html.escape(predicted)).append("</td>");
            cell(html, JsonValues.number(e.path("loss")), Html::loss);
            html.append("</tr>");
        }
        return html.append("</tbody></table>").toString();
    }

    static StringBuilder section(String id, String title) {
        return new StringBuilder("<section id=\"").append(id).append("\"><h2>").append(Html.escape(title))
                .append("</h2>");
    }

    private String swatch(String label) {
        int index = colourOrder.indexOf(label);
        if (index < 0) {
            return "";
        }
        // the same shape as the label's scatter-plot marker: colours repeat after eight labels, shapes do not
        return "<span class=\"swatch shape" + Math.floorMod(index / Palette.CATEGORICAL.size(), 4)
                + "\" style=\"background:" + Palette.category(index) + "\"></span>";
    }

    private static void fact(StringBuilder html, String name, String value) {
        html.append("<div><dt>").append(Html.escape(name)).append("</dt><dd>").append(Html.escape(value))
                .append("</dd></div>");
    }

    static void cell(StringBuilder html, OptionalDouble value, DoubleFunction<String> format) {
        html.append("<td>").append(value.isPresent() ? format.apply(value.getAsDouble()) : MISSING_CELL).append("</td>");
    }

    static String signed(double value) {
        return (value >= 0 ? "+" : "\u2212") + Html.metric(Math.abs(value));
    }

    static String notAvailable(String why) {
        return "<p class=\"na\"><strong>" + NOT_AVAILABLE + "</strong>: " + Html.escape(why) + "</p>";
    }
}
