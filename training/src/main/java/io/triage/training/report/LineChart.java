package io.triage.training.report;

import java.util.ArrayList;
import java.util.List;

/** A per-epoch line chart: one line with point markers per series, optional dashed reference levels. */
final class LineChart {
    static final double WIDTH = 560;
    static final double HEIGHT = 310;
    private static final double LEFT = 64;
    private static final double RIGHT = 20;
    private static final double TOP = 40;
    private static final double BOTTOM = 50;

    /** A line through (epochs[i], values[i]); NaN values (an epoch without that number) are left out. */
    record Series(String name, String color, double[] epochs, double[] values) {
    }

    /** A horizontal dashed level, such as the most-frequent baseline's accuracy. */
    record Reference(String name, double value) {
    }

    private LineChart() {
    }

    /**
     * Draws the series (at least one value among them) over epochs. {@code fromZero} starts the value axis at 0 (losses); otherwise it fits the
     * data (accuracy and F1, whose differences matter more than their distance from 0).
     */
    static String render(String id, String description, String valueTitle, List<Series> series,
                         List<Reference> references, boolean fromZero) {
        return render(id, description, "epoch", valueTitle, series, references, fromZero);
    }

    /**
     * The same chart over another x quantity than epochs, e.g. a threshold; {@code "epoch"} gets one tick per
     * epoch, any other x title nice ticks. (The series' {@code epochs} are then its x values.)
     */
    static String render(String id, String description, String xTitle, String valueTitle, List<Series> series,
                         List<Reference> references, boolean fromZero) {
        double minEpoch = Double.POSITIVE_INFINITY;
        double maxEpoch = Double.NEGATIVE_INFINITY;
        double minValue = fromZero ? 0 : Double.POSITIVE_INFINITY;
        double maxValue = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (int i = 0; i < s.epochs().length; i++) {
                if (!Double.isNaN(s.values()[i])) {
                    minEpoch = Math.min(minEpoch, s.epochs()[i]);
                    maxEpoch = Math.max(maxEpoch, s.epochs()[i]);
                    minValue = Math.min(minValue, s.values()[i]);
                    maxValue = Math.max(maxValue, s.values()[i]);
                }
            }
        }
        for (Reference r : references) {
            minValue = Math.min(minValue, r.value());
            maxValue = Math.max(maxValue, r.value());
        }
        double plotLeft = LEFT;
        double plotRight = WIDTH - RIGHT;
        double plotTop = TOP;
        double plotBottom = HEIGHT - BOTTOM;
        boolean epochs = xTitle.equals("epoch");
        Axis x = epochs ? epochAxis(minEpoch, maxEpoch, plotLeft + 16, plotRight - 16)
                : Axis.nice(minEpoch, maxEpoch, 8, plotLeft + 16, plotRight - 16);
        Axis y = Axis.nice(minValue, maxValue, 6, plotBottom, plotTop);

        Svg svg = new Svg(id, WIDTH, HEIGHT, description);
        svg.leftAxis(y, plotLeft, plotRight, valueTitle, 16);
        // the epoch axis is inset so that first and last markers do not sit on the frame
        svg.line(plotLeft, plotBottom, plotRight, plotBottom, "#333333", 1, false);
        svg.bottomAxis(x, plotBottom, xTitle, HEIGHT - 10);
        List<Svg.LegendEntry> legend = new ArrayList<>();
        for (Reference r : references) {
            svg.line(plotLeft, y.pixel(r.value()), plotRight, y.pixel(r.value()), Palette.REFERENCE, 1.5, true);
        }
        for (int shape = 0; shape < series.size(); shape++) {
            Series s = series.get(shape);
            List<double[]> pixels = new ArrayList<>();
            for (int i = 0; i < s.epochs().length; i++) {
                if (!Double.isNaN(s.values()[i])) {
                    pixels.add(new double[] {x.pixel(s.epochs()[i]), y.pixel(s.values()[i])});
                }
            }
            svg.polyline(pixels, s.color());
            // each series its own marker shape: lines that coincide (accuracy and weighted F1 often do) stay apart
            for (int i = 0, p = 0; i < s.epochs().length; i++) {
                if (!Double.isNaN(s.values()[i])) {
                    double[] at = pixels.get(p++);
                    svg.marker(shape, at[0], at[1], 4.5, s.color(), s.name() + ", " + xTitle + " " + Html.plain(s.epochs()[i])
                            + ": " + Html.fixed(s.values()[i], 4));
                }
            }
            legend.add(new Svg.LegendEntry(s.name(), s.color(), shape, false));
        }
        for (Reference r : references) {
            legend.add(new Svg.LegendEntry(r.name() + " " + Html.metric(r.value()), Palette.REFERENCE, -1, true));
        }
        svg.legendRow(plotLeft, 20, legend);
        return svg.end();
    }

    /** One tick per epoch up to 12 epochs, nice steps beyond; a single epoch sits in the middle. */
    private static Axis epochAxis(double min, double max, double pixelFrom, double pixelTo) {
        if (min == max) {
            return Axis.fixed(min - 1, max + 1, 1, pixelFrom, pixelTo);
        }
        if (max - min <= 11) {
            return Axis.fixed(min, max, 1, pixelFrom, pixelTo);
        }
        return Axis.nice(min, max, 8, pixelFrom, pixelTo);
    }
}
