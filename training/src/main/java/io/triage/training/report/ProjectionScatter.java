package io.triage.training.report;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The 2-D projection of pooled features as a scatter plot coloured by gold label, with a legend that counts
 * each label's points. Beyond eight labels colours repeat and the marker shape tells them apart.
 */
final class ProjectionScatter {
    static final double WIDTH = 1120;
    private static final double MIN_HEIGHT = 560;
    private static final double LEGEND_ROW = 22;
    private static final double LEFT = 64;
    private static final double TOP = 16;
    private static final double BOTTOM = 50;
    private static final double LEGEND_WIDTH = 230;

    private ProjectionScatter() {
    }

    /** {@code labels} fixes colours (index in the list); every point's label must be in it. */
    static String render(List<String> labels, List<FeatureProjection.Point> points, String method) {
        String axisName = "umap".equals(method) ? "UMAP " : "PC ";
        double height = Math.max(MIN_HEIGHT, TOP + 60 + labels.size() * LEGEND_ROW);
        double plotLeft = LEFT;
        double plotRight = WIDTH - LEGEND_WIDTH;
        double plotBottom = height - BOTTOM;
        Axis x = Axis.nice(min(points, true), max(points, true), 12, plotLeft, plotRight);
        Axis y = Axis.nice(min(points, false), max(points, false), 10, plotBottom, TOP);

        Svg svg = new Svg("chart-projection", WIDTH, height,
                "Scatter plot of " + points.size() + " validation examples projected to 2-D, coloured by gold label");
        svg.leftAxis(y, plotLeft, plotRight, axisName + "2", 16);
        svg.bottomAxis(x, plotBottom, axisName + "1", height - 10);
        Map<String, Integer> perLabel = new LinkedHashMap<>();
        labels.forEach(l -> perLabel.put(l, 0));
        svg.group("points");
        for (FeatureProjection.Point p : points) {
            int index = labels.indexOf(p.label());
            perLabel.merge(p.label(), 1, Integer::sum);
            svg.marker(index / Palette.CATEGORICAL.size(), x.pixel(p.x()), y.pixel(p.y()), 3.2,
                    Palette.category(index), p.label());
        }
        svg.endGroup();
        double legendX = plotRight + 30;
        double legendY = TOP + 12;
        svg.text(legendX, legendY, "gold label (points)", "start", "axis-title");
        int row = 0;
        for (Map.Entry<String, Integer> e : perLabel.entrySet()) {
            int index = labels.indexOf(e.getKey());
            double rowY = legendY + 24 + row++ * LEGEND_ROW;
            svg.marker(index / Palette.CATEGORICAL.size(), legendX + 6, rowY - 4, 5, Palette.category(index), null);
            String count = " (" + Html.count(e.getValue()) + ")";
            double room = WIDTH - legendX - 20 - Svg.textWidth(count, Svg.FONT);
            svg.text(legendX + 20, rowY, Svg.fit(e.getKey(), room, Svg.FONT) + count, "start", "label");
        }
        return svg.end();
    }

    private static double min(List<FeatureProjection.Point> points, boolean x) {
        return points.stream().mapToDouble(p -> x ? p.x() : p.y()).min().orElse(0);
    }

    private static double max(List<FeatureProjection.Point> points, boolean x) {
        return points.stream().mapToDouble(p -> x ? p.x() : p.y()).max().orElse(0);
    }
}
