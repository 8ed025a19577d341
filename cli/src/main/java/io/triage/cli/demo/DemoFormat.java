package io.triage.cli.demo;

import java.util.Locale;

/** How the demo writes its figures, in the live view and in the summary alike. */
final class DemoFormat {
    private DemoFormat() {}

    static String percent(double fraction) {
        return Double.isNaN(fraction) ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * fraction);
    }

    static String number(double value) {
        if (Double.isNaN(value)) {
            return "-";
        }
        return value >= 100 || value == Math.rint(value) ? String.valueOf(Math.round(value))
                : String.format(Locale.ROOT, "%.1f", value);
    }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + " s";
    }
}
