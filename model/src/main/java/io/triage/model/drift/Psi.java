package io.triage.model.drift;

/**
 * The population stability index of an actual distribution against an expected one over the same bins:
 * {@code PSI = Σ (a_i − e_i) · ln(a_i / e_i)} over the bins' shares. A bin with a share of 0 on either side counts
 * with {@code epsilon} instead, so that an empty bin gives a large but finite term rather than infinity. Usual
 * reading: under 0.1 no shift, 0.1 to 0.25 a moderate one, above 0.25 a significant one.
 */
public final class Psi {
    private Psi() {}

    public static double of(double[] expected, double[] actual, double epsilon) {
        if (expected.length != actual.length) {
            throw new IllegalArgumentException(expected.length + " expected bins but " + actual.length + " actual");
        }
        if (!(epsilon > 0)) {
            throw new IllegalArgumentException("epsilon must be > 0: " + epsilon);
        }
        double psi = 0;
        for (int i = 0; i < expected.length; i++) {
            double e = Math.max(expected[i], epsilon);
            double a = Math.max(actual[i], epsilon);
            psi += (a - e) * Math.log(a / e);
        }
        return psi;
    }

    /** Counts as shares of their total; all zeros when the total is 0. */
    public static double[] shares(long[] counts) {
        long total = 0;
        for (long c : counts) {
            total += c;
        }
        double[] out = new double[counts.length];
        for (int i = 0; total > 0 && i < counts.length; i++) {
            out[i] = (double) counts[i] / total;
        }
        return out;
    }
}
