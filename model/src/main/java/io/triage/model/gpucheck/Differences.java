package io.triage.model.gpucheck;

/** The largest absolute difference between two results of the same computation; infinite when the shapes differ. */
final class Differences {
    private Differences() {}

    static double max(float[] a, float[] b) {
        if (a.length != b.length) {
            return Double.POSITIVE_INFINITY;
        }
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    static double max(float[][] a, float[][] b) {
        if (a.length != b.length) {
            return Double.POSITIVE_INFINITY;
        }
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, max(a[i], b[i]));
        }
        return max;
    }
}
