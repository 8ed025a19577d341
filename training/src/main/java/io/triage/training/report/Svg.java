package io.triage.training.report;

import java.util.List;

/**
 * Builds one inline SVG chart: shapes, text, axes and legends, every string escaped. Text styles come from the
 * page's style sheet (classes {@code tick}, {@code axis-title}, {@code label}, {@code value}).
 */
final class Svg {
    static final double FONT = 12;

    /**
     * One legend entry and its swatch: a line (dashed or not) with a marker of {@code shape} on it, a plain line
     * when the shape is negative; {@link #box} entries are a filled square.
     */
    record LegendEntry(String name, String color, int shape, boolean dashed) {
        static final int BOX = Integer.MIN_VALUE;

        static LegendEntry box(String name, String color) {
            return new LegendEntry(name, color, BOX, false);
        }
    }

    private final StringBuilder out = new StringBuilder(4096);

    /** Opens an SVG of {@code width} x {@code height} user units; {@code description} is read by screen readers. */
    Svg(String id, double width, double height, String description) {
        out.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"").append(Html.escape(id))
                .append("\" viewBox=\"0 0 ").append(Html.coord(width)).append(' ').append(Html.coord(height))
                .append("\" width=\"").append(Html.coord(width)).append("\" height=\"").append(Html.coord(height))
                .append("\" role=\"img\"><title>").append(Html.escape(description)).append("</title>");
    }

    /** Rough width of {@code text} at {@code fontSize} in a sans-serif font: enough to avoid overlaps. */
    static double textWidth(String text, double fontSize) {
        return text.length() * fontSize * 0.6;
    }

    /** {@code text}, cut with an ellipsis where it would be wider than {@code width} at {@code fontSize}. */
    static String fit(String text, double width, double fontSize) {
        int chars = (int) Math.floor(width / (fontSize * 0.6));
        if (text.length() <= chars) {
            return text;
        }
        return text.substring(0, Math.max(1, chars - 1)) + "\u2026";
    }

    Svg line(double x1, double y1, double x2, double y2, String stroke, double width, boolean dashed) {
        out.append("<line x1=\"").append(Html.coord(x1)).append("\" y1=\"").append(Html.coord(y1))
                .append("\" x2=\"").append(Html.coord(x2)).append("\" y2=\"").append(Html.coord(y2))
                .append("\" stroke=\"").append(stroke).append("\" stroke-width=\"").append(Html.coord(width)).append('"');
        if (dashed) {
            out.append(" stroke-dasharray=\"6 4\"");
        }
        out.append("/>");
        return this;
    }

    Svg rect(double x, double y, double w, double h, String fill, String tooltip) {
        out.append("<rect x=\"").append(Html.coord(x)).append("\" y=\"").append(Html.coord(y))
                .append("\" width=\"").append(Html.coord(Math.max(0, w))).append("\" height=\"")
                .append(Html.coord(Math.max(0, h))).append("\" fill=\"").append(fill).append('"');
        return closeWithTooltip("rect", tooltip);
    }

    /**
     * A point marker: circle, square, triangle or diamond by {@code shape} (mod 4), so categories that share a
     * colour stay apart.
     */
    Svg marker(int shape, double cx, double cy, double r, String fill, String tooltip) {
        int kind = Math.floorMod(shape, 4);
        switch (kind) {
            case 0 -> out.append("<circle cx=\"").append(Html.coord(cx)).append("\" cy=\"").append(Html.coord(cy))
                    .append("\" r=\"").append(Html.coord(r)).append('"');
            case 1 -> out.append("<rect x=\"").append(Html.coord(cx - r)).append("\" y=\"").append(Html.coord(cy - r))
                    .append("\" width=\"").append(Html.coord(2 * r)).append("\" height=\"").append(Html.coord(2 * r))
                    .append('"');
            case 2 -> out.append("<polygon points=\"").append(Html.coord(cx)).append(',').append(Html.coord(cy - r * 1.2))
                    .append(' ').append(Html.coord(cx + r * 1.1)).append(',').append(Html.coord(cy + r * 0.8))
                    .append(' ').append(Html.coord(cx - r * 1.1)).append(',').append(Html.coord(cy + r * 0.8))
                    .append('"');
            default -> out.append("<polygon points=\"").append(Html.coord(cx)).append(',').append(Html.coord(cy - r * 1.3))
                    .append(' ').append(Html.coord(cx + r * 1.3)).append(',').append(Html.coord(cy))
                    .append(' ').append(Html.coord(cx)).append(',').append(Html.coord(cy + r * 1.3))
                    .append(' ').append(Html.coord(cx - r * 1.3)).append(',').append(Html.coord(cy))
                    .append('"');
        }
        out.append(" fill=\"").append(fill).append('"');
        return closeWithTooltip(kind == 0 ? "circle" : kind == 1 ? "rect" : "polygon", tooltip);
    }

    /** A polyline through {@code points} ({x, y} pixel pairs). */
    Svg polyline(List<double[]> points, String stroke) {
        out.append("<polyline fill=\"none\" stroke=\"").append(stroke).append("\" stroke-width=\"2.5\" points=\"");
        for (int i = 0; i < points.size(); i++) {
            out.append(i == 0 ? "" : " ").append(Html.coord(points.get(i)[0])).append(',')
                    .append(Html.coord(points.get(i)[1]));
        }
        out.append("\"/>");
        return this;
    }

    /** Text at (x, y); {@code anchor} is start, middle or end; {@code cssClass} picks the style. */
    Svg text(double x, double y, String text, String anchor, String cssClass) {
        return text(x, y, 0, text, anchor, cssClass, null);
    }

    /** Text rotated by {@code degrees} around (x, y), optionally in a fixed colour. */
    Svg text(double x, double y, double degrees, String text, String anchor, String cssClass, String fill) {
        return text(x, y, degrees, text, anchor, cssClass, fill, 0);
    }

    /** As above, in {@code fontSize} user units instead of the class's size when it is positive. */
    Svg text(double x, double y, double degrees, String text, String anchor, String cssClass, String fill,
             double fontSize) {
        out.append("<text x=\"").append(Html.coord(x)).append("\" y=\"").append(Html.coord(y))
                .append("\" text-anchor=\"").append(anchor).append("\" class=\"").append(cssClass).append('"');
        if (degrees != 0) {
            out.append(" transform=\"rotate(").append(Html.coord(degrees)).append(' ').append(Html.coord(x))
                    .append(' ').append(Html.coord(y)).append(")\"");
        }
        if (fill != null) {
            out.append(" fill=\"").append(fill).append('"');
        }
        if (fontSize > 0) {
            out.append(" font-size=\"").append(Html.coord(fontSize)).append('"');
        }
        out.append('>').append(Html.escape(text)).append("</text>");
        return this;
    }

    /** A vertical value axis at {@code x} with tick labels and horizontal grid lines across the plot. */
    Svg leftAxis(Axis axis, double x, double plotRight, String title, double titleX) {
        for (double tick : axis.ticks()) {
            double y = axis.pixel(tick);
            line(x, y, plotRight, y, "#e3e3e3", 1, false);
            line(x - 4, y, x, y, "#333333", 1, false);
            text(x - 7, y + 4, axis.label(tick), "end", "tick");
        }
        line(x, axis.pixel(axis.lo()), x, axis.pixel(axis.hi()), "#333333", 1, false);
        double middle = (axis.pixel(axis.lo()) + axis.pixel(axis.hi())) / 2;
        return text(titleX, middle, -90, title, "middle", "axis-title", null);
    }

    /** A horizontal axis at {@code y} with tick labels below it. */
    Svg bottomAxis(Axis axis, double y, String title, double titleY) {
        for (double tick : axis.ticks()) {
            double x = axis.pixel(tick);
            line(x, y, x, y + 4, "#333333", 1, false);
            text(x, y + 17, axis.label(tick), "middle", "tick");
        }
        line(axis.pixel(axis.lo()), y, axis.pixel(axis.hi()), y, "#333333", 1, false);
        double middle = (axis.pixel(axis.lo()) + axis.pixel(axis.hi())) / 2;
        return text(middle, titleY, title, "middle", "axis-title");
    }

    /** A one-row legend starting at (x, y), entries placed by their estimated text widths. */
    Svg legendRow(double x, double y, List<LegendEntry> entries) {
        double at = x;
        for (LegendEntry e : entries) {
            if (e.shape() == LegendEntry.BOX) {
                rect(at + 5, y - 10, 12, 12, e.color(), null);
            } else {
                line(at, y - 4, at + 22, y - 4, e.color(), 2.5, e.dashed());
                if (e.shape() >= 0) {
                    marker(e.shape(), at + 11, y - 4, 4, e.color(), null);
                }
            }
            text(at + 28, y, e.name(), "start", "label");
            at += 28 + textWidth(e.name(), FONT) + 22;
        }
        return this;
    }

    /** Opens a group whose children share the page style sheet's rules for {@code cssClass}. */
    Svg group(String cssClass) {
        out.append("<g class=\"").append(cssClass).append("\">");
        return this;
    }

    Svg endGroup() {
        out.append("</g>");
        return this;
    }

    /** Closes the SVG and returns its markup. */
    String end() {
        return out.append("</svg>").toString();
    }

    private Svg closeWithTooltip(String element, String tooltip) {
        if (tooltip == null) {
            out.append("/>");
        } else {
            out.append("><title>").append(Html.escape(tooltip)).append("</title></").append(element).append('>');
        }
        return this;
    }
}
