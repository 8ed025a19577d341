package io.triage.training.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Class balance of the training and validation sets as horizontal bars: each label's share of its split, so
 * sets of different sizes compare directly, with the count written at the bar's end.
 */
final class ClassDistributionChart {
    static final double WIDTH = 560;
    private static final double BAR = 12;
    private static final double ROW_GAP = 12;
    private static final double TOP = 34;
    private static final double BOTTOM = 46;
    private static final double VALUE_SPACE = 104;
    /** Longer label names are cut (the bar tooltips keep them whole). */
    private static final double MAX_LABEL_WIDTH = 170;

    /** One split's counts, drawn in one colour. */
    record Split(String name, String color, Map<String, Double> counts) {
    }

    private ClassDistributionChart() {
    }

    static String render(List<String> labels, List<Split> splits) {
        double longest = labels.stream()
                .mapToDouble(l -> Svg.textWidth(Svg.fit(l, MAX_LABEL_WIDTH, Svg.FONT), Svg.FONT)).max().orElse(0);
        double left = longest + 16;
        double rowHeight = splits.size() * BAR + ROW_GAP;
        double height = TOP + labels.size() * rowHeight + BOTTOM;
        double plotRight = WIDTH - VALUE_SPACE;

        double maxShare = 0;
        List<Double> totals = new ArrayList<>();
        for (Split split : splits) {
            double total = split.counts().values().stream().mapToDouble(Double::doubleValue).sum();
            totals.add(total);
            for (double c : split.counts().values()) {
                maxShare = Math.max(maxShare, total > 0 ? 100 * c / total : 0);
            }
        }
        Axis x = Axis.nice(0, maxShare, 5, left, plotRight);
        double plotBottom = TOP + labels.size() * rowHeight;

        Svg svg = new Svg("chart-class-distribution", WIDTH, height,
                "Share of each label in the training and validation sets");
        for (double tick : x.ticks()) {
            svg.line(x.pixel(tick), TOP - 4, x.pixel(tick), plotBottom, "#e3e3e3", 1, false);
        }
        svg.bottomAxis(x, plotBottom, "share of the split (%)", height - 8);
        svg.line(left, TOP - 4, left, plotBottom, "#333333", 1, false);
        for (int row = 0; row < labels.size(); row++) {
            String label = labels.get(row);
            double rowTop = TOP + row * rowHeight + ROW_GAP / 2;
            svg.text(left - 8, rowTop + splits.size() * BAR / 2 + 4, Svg.fit(label, MAX_LABEL_WIDTH, Svg.FONT), "end",
                    "label");
            for (int s = 0; s < splits.size(); s++) {
                Split split = splits.get(s);
                Double count = split.counts().get(label);
                if (count == null) {
                    continue;
                }
                double share = totals.get(s) > 0 ? 100 * count / totals.get(s) : 0;
                double y = rowTop + s * BAR;
                String text = Html.fixed(share, 1) + "% (" + Html.count(Math.round(count)) + ")";
                svg.rect(left, y, x.pixel(share) - left, BAR - 1, split.color(),
                        split.name() + ", " + label + ": " + text);
                svg.text(x.pixel(share) + 5, y + BAR - 2, 0, text, "start", "count", null);
            }
        }
        List<Svg.LegendEntry> legend = new ArrayList<>();
        for (int s = 0; s < splits.size(); s++) {
            legend.add(Svg.LegendEntry.box(splits.get(s).name() + " (" + Html.count(Math.round(totals.get(s))) + ")",
                    splits.get(s).color()));
        }
        svg.legendRow(left, 18, legend);
        return svg.end();
    }
}
