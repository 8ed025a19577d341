package io.triage.training.report;

import java.util.List;
import java.util.Locale;

/**
 * Colours of the report. Categories use the Okabe-Ito palette, which stays distinguishable under the common
 * colour-vision deficiencies; yellow comes last because it is faint on white. Magnitudes (the confusion
 * matrix) use a single-hue sequential blue scale, readable without telling hues apart.
 */
final class Palette {
    static final List<String> CATEGORICAL = List.of(
            "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000", "#F0E442");
    static final String TRAIN = "#0072B2";
    static final String VALIDATION = "#E69F00";
    static final String REFERENCE = "#666666";

    /** ColorBrewer "Blues", light to dark. */
    private static final int[][] BLUES = {
            {0xf7, 0xfb, 0xff}, {0xde, 0xeb, 0xf7}, {0xc6, 0xdb, 0xef}, {0x9e, 0xca, 0xe1}, {0x6b, 0xae, 0xd6},
            {0x42, 0x92, 0xc6}, {0x21, 0x71, 0xb5}, {0x08, 0x51, 0x9c}, {0x08, 0x30, 0x6b}};

    private Palette() {
    }

    /** The colour of the category at {@code index}; it repeats after eight (the scatter plot then varies shape). */
    static String category(int index) {
        return CATEGORICAL.get(Math.floorMod(index, CATEGORICAL.size()));
    }

    /** The sequential colour of {@code value} in [0, 1] (clamped). */
    static String sequential(double value) {
        double t = Math.max(0, Math.min(1, value)) * (BLUES.length - 1);
        int lo = (int) Math.floor(t);
        int hi = Math.min(lo + 1, BLUES.length - 1);
        double f = t - lo;
        StringBuilder hex = new StringBuilder("#");
        for (int channel = 0; channel < 3; channel++) {
            int c = (int) Math.round(BLUES[lo][channel] * (1 - f) + BLUES[hi][channel] * f);
            hex.append(String.format(Locale.ROOT, "%02x", c));
        }
        return hex.toString();
    }

    /** Text on a {@link #sequential} cell: white where the cell is dark. */
    static String textOnSequential(double value) {
        return value > 0.5 ? "#ffffff" : "#1a1a1a";
    }
}
