package io.triage.training.report;

import java.util.Arrays;
import java.util.List;

/**
 * Token-length distributions as small multiples: one histogram per label, all on the same bins and the same
 * share axis, so a label with longer texts (or a spike at the truncation length) stands out. The dashed line
 * marks each label's median.
 */
final class TokenLengthHistograms {
    static final double WIDTH = 1120;
    private static final int COLUMNS = 3;
    private static final double PANEL_HEIGHT = 196;
    private static final double PANEL_LEFT = 46;
    private static final double PANEL_RIGHT = 18;
    private static final double PANEL_TOP = 44;
    private static final double PANEL_BOTTOM = 40;

    /** One label's lengths; {@code colorIndex} keeps its colour the same as in the other charts. */
    record Panel(String label, int colorIndex, double[] lengths) {
    }

    private TokenLengthHistograms() {
    }

    static String render(List<Panel> panels) {
        double maxLength = panels.stream().flatMapToDouble(p -> Arrays.stream(p.lengths())).max().orElse(1);
        double binWidth = Math.max(1, Math.ceil(Axis.nice(0, maxLength, 25, 0, 1).step()));
        int bins = (int) Math.floor(maxLength / binWidth) + 1;
        double[][] shares = new double[panels.size()][bins];
        double maxShare = 0;
        for (int p = 0; p < panels.size(); p++) {
            double[] lengths = panels.get(p).lengths();
            for (double length : lengths) {
                shares[p][(int) Math.floor(Math.max(0, length) / binWidth)] += 100.0 / lengths.length;
            }
            maxShare = Math.max(maxShare, Arrays.stream(shares[p]).max().orElse(0));
        }
        int rows = (panels.size() + COLUMNS - 1) / COLUMNS;
        double panelWidth = WIDTH / COLUMNS;
        Svg svg = new Svg("chart-token-lengths", WIDTH, rows * PANEL_HEIGHT,
                "Histograms of token lengths per gold label, with the median of each label dashed");
        for (int p = 0; p < panels.size(); p++) {
            Panel panel = panels.get(p);
            double left = (p % COLUMNS) * panelWidth + PANEL_LEFT;
            double right = (p % COLUMNS + 1) * panelWidth - PANEL_RIGHT;
            double top = (double) (p / COLUMNS) * PANEL_HEIGHT + PANEL_TOP;
            double bottom = (double) (p / COLUMNS + 1) * PANEL_HEIGHT - PANEL_BOTTOM;
            double end = bins * binWidth;
            Axis x = Axis.fixed(0, end, Axis.nice(0, end, 6, 0, 1).step(), left, right);
            Axis y = Axis.nice(0, maxShare, 3, bottom, top);
            svg.leftAxis(y, left, right, "%", left - 38);
            svg.bottomAxis(x, bottom, "tokens", bottom + 32);
            String color = Palette.category(panel.colorIndex());
            for (int b = 0; b < bins; b++) {
                if (shares[p][b] > 0) {
                    double from = b * binWidth;
                    svg.rect(x.pixel(from), y.pixel(shares[p][b]), x.pixel(from + binWidth) - x.pixel(from) - 1,
                            y.pixel(0) - y.pixel(shares[p][b]), color, panel.label() + ": "
                                    + Html.plain(from) + "–" + Html.plain(from + binWidth - 1) + " tokens, "
                                    + Html.fixed(shares[p][b], 1) + "%");
                }
            }
            double[] sorted = panel.lengths().clone();
            Arrays.sort(sorted);
            double median = percentile(sorted, 0.5);
            svg.line(x.pixel(median), top, x.pixel(median), bottom, "#1a1a1a", 1.5, true);
            svg.text(left, top - 26, Svg.fit(panel.label(), right - left, Svg.FONT), "start", "axis-title");
            svg.text(left, top - 10, "n " + Html.count(sorted.length) + " \u00b7 median " + Html.plain(median)
                    + " \u00b7 p95 " + Html.plain(percentile(sorted, 0.95)) + " \u00b7 max "
                    + Html.plain(sorted[sorted.length - 1]), "start", "label");
        }
        return svg.end();
    }

    /** Nearest-rank percentile of sorted, non-empty values. */
    static double percentile(double[] sorted, double p) {
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
