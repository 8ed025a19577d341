package io.triage.training.report;

import java.util.List;

/**
 * The row-normalised confusion matrix as a heatmap: gold labels are rows, predicted labels columns, each cell
 * shows its share of the row (and its count when counts are known and the cell is large enough).
 */
final class ConfusionHeatmap {
    private static final double COLOUR_BAR_SPACE = 80;
    /** Longer label names are cut (the cell tooltips keep them whole). */
    private static final double MAX_LABEL_WIDTH = 170;

    private ConfusionHeatmap() {
    }

    /**
     * {@code counts} may be null; both matrices are {@code labels.size()} square. Cells shrink to fit
     * {@code maxWidth} (but not below a readable size).
     */
    static String render(List<String> labels, double[][] normalized, double[][] counts, double maxWidth) {
        int n = labels.size();
        List<String> names = labels.stream().map(l -> Svg.fit(l, MAX_LABEL_WIDTH, Svg.FONT)).toList();
        double longest = names.stream().mapToDouble(l -> Svg.textWidth(l, Svg.FONT)).max().orElse(0);
        double left = 30 + longest + 10;
        double cell = Math.max(22, Math.min(72, (maxWidth - left - COLOUR_BAR_SPACE) / n));
        boolean rotateColumns = longest > cell - 6;
        double top = 12;
        double columnLabels = rotateColumns ? longest * Math.sin(Math.toRadians(45)) + 16 : 22;
        double width = left + n * cell + COLOUR_BAR_SPACE;
        double height = top + n * cell + columnLabels + 34;
        double valueFont = Math.min(14, cell / 3.4);
        boolean showCounts = counts != null && cell >= 48;

        Svg svg = new Svg("chart-confusion", width, height,
                "Confusion matrix, rows are gold labels, columns predicted labels, values are shares of each row");
        for (int gold = 0; gold < n; gold++) {
            double y = top + gold * cell;
            svg.text(left - 8, y + cell / 2 + 4, names.get(gold), "end", "label");
            for (int predicted = 0; predicted < n; predicted++) {
                double x = left + predicted * cell;
                double share = normalized[gold][predicted];
                String tooltip = "gold " + labels.get(gold) + ", predicted " + labels.get(predicted) + ": "
                        + Html.fixed(share, 3) + (counts == null ? "" : " (" + Html.count((long) counts[gold][predicted]) + ")");
                svg.rect(x, y, cell - 1, cell - 1, Palette.sequential(share), tooltip);
                String ink = Palette.textOnSequential(share);
                double textY = showCounts ? y + cell / 2 : y + cell / 2 + valueFont / 3;
                // a true zero reads "0", so that "0.00" always means "rounds to zero"
                svg.text(x + cell / 2, textY, 0, share == 0 ? "0" : Html.fixed(share, 2), "middle", "value", ink,
                        valueFont);
                if (showCounts) {
                    svg.text(x + cell / 2, y + cell / 2 + 14, 0, Html.count((long) counts[gold][predicted]),
                            "middle", "count", ink);
                }
            }
        }
        double matrixBottom = top + n * cell;
        for (int predicted = 0; predicted < n; predicted++) {
            double x = left + predicted * cell + cell / 2;
            if (rotateColumns) {
                svg.text(x + 4, matrixBottom + 12, -45, names.get(predicted), "end", "label", null);
            } else {
                svg.text(x, matrixBottom + 16, names.get(predicted), "middle", "label");
            }
        }
        svg.text(left + n * cell / 2, height - 8, "predicted label", "middle", "axis-title");
        svg.text(14, top + n * cell / 2, -90, "gold label", "middle", "axis-title", null);
        colourBar(svg, left + n * cell + 24, top, n * cell);
        return svg.end();
    }

    /** A vertical 0..1 scale beside the matrix. */
    private static void colourBar(Svg svg, double x, double top, double height) {
        int steps = 20;
        for (int i = 0; i < steps; i++) {
            double from = (double) i / steps;
            svg.rect(x, top + height * (1 - from - 1.0 / steps), 14, height / steps + 0.5,
                    Palette.sequential(from + 0.5 / steps), null);
        }
        for (double v : new double[] {0, 0.5, 1}) {
            svg.text(x + 20, top + height * (1 - v) + 4, Html.fixed(v, 1), "start", "tick");
        }
    }
}
