package io.triage.model.bench;

import java.util.Arrays;

/** Nearest-rank percentiles of latencies, as the benchmarks and the demo report them. */
public final class Percentiles {
    private Percentiles() {}

    /** The p-th percentile (0-100] of {@code values} in any order, which stay untouched; NaN when empty. */
    public static double of(long[] values, double p) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return ofSorted(sorted, p);
    }

    /** The p-th percentile (0-100] of values sorted in ascending order; NaN when empty. */
    public static double ofSorted(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }
}
