package io.triage.training.report;

import java.util.ArrayList;
import java.util.List;

/**
 * A linear axis: maps a data interval to a pixel interval and picks "nice" tick values (steps of 1, 2, 2.5 or 5
 * times a power of ten) that cover the data.
 */
final class Axis {
    private final double lo;
    private final double hi;
    private final double step;
    private final double pixelFrom;
    private final double pixelTo;

    private Axis(double lo, double hi, double step, double pixelFrom, double pixelTo) {
        this.lo = lo;
        this.hi = hi;
        this.step = step;
        this.pixelFrom = pixelFrom;
        this.pixelTo = pixelTo;
    }

    /**
     * An axis whose ends are ticks around [{@code min}, {@code max}], with about {@code targetTicks} ticks,
     * drawn from {@code pixelFrom} (at the low end) to {@code pixelTo}.
     */
    static Axis nice(double min, double max, int targetTicks, double pixelFrom, double pixelTo) {
        if (max < min) {
            throw new IllegalArgumentException("axis range " + min + ".." + max + " is reversed");
        }
        if (max == min) {
            double pad = min == 0 ? 1 : Math.abs(min) * 0.1;
            min -= pad;
            max += pad;
        }
        double step = niceStep((max - min) / Math.max(1, targetTicks - 1));
        double lo = Math.floor(min / step + 1e-9) * step;
        double hi = Math.ceil(max / step - 1e-9) * step;
        return new Axis(lo, hi, step, pixelFrom, pixelTo);
    }

    /** An axis with fixed ends and a fixed step (e.g. epochs 1..n, one tick each). */
    static Axis fixed(double lo, double hi, double step, double pixelFrom, double pixelTo) {
        return new Axis(lo, hi, step, pixelFrom, pixelTo);
    }

    private static double niceStep(double rough) {
        double magnitude = Math.pow(10, Math.floor(Math.log10(rough)));
        double fraction = rough / magnitude;
        double nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10;
        return nice * magnitude;
    }

    double lo() {
        return lo;
    }

    double hi() {
        return hi;
    }

    double step() {
        return step;
    }

    double pixel(double value) {
        return pixelFrom + (value - lo) / (hi - lo) * (pixelTo - pixelFrom);
    }

    List<Double> ticks() {
        List<Double> ticks = new ArrayList<>();
        long count = (long) Math.floor((hi - lo) / step + 1e-6);
        for (long i = 0; i <= count; i++) {
            double t = lo + i * step;
            ticks.add(Math.abs(t) < step * 1e-9 ? 0 : t);
        }
        return ticks;
    }

    /** A tick label with as many decimals as the step needs. */
    String label(double tick) {
        int decimals = 0;
        while (decimals < 6 && Math.abs(step * Math.pow(10, decimals) - Math.rint(step * Math.pow(10, decimals))) > 1e-6) {
            decimals++;
        }
        return Html.fixed(tick, decimals);
    }
}
