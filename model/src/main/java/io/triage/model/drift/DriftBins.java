package io.triage.model.drift;

/**
 * The bins live traffic and a version's reference are counted in, the same on both sides (docs/stream-app.md,
 * Drift): one bin per label of the predicted label; ten equal bins over [0, 1] of the confidence (the winning
 * label's probability); and token-length bins with upper edges 8, 16, 32, 64, 128, 256 and one beyond.
 */
public final class DriftBins {
    public static final int CONFIDENCE_BINS = 10;
    /** Exclusive upper edges of the token-length bins; one more bin holds everything from the last edge on. */
    static final int[] LENGTH_EDGES = {8, 16, 32, 64, 128, 256};
    public static final int LENGTH_BINS = LENGTH_EDGES.length + 1;

    private DriftBins() {}

    /** The confidence's bin; values outside [0, 1] (or NaN) land in the nearest end bin. */
    public static int confidence(double confidence) {
        if (!(confidence > 0)) {
            return 0;
        }
        return Math.min(CONFIDENCE_BINS - 1, (int) (confidence * CONFIDENCE_BINS));
    }

    public static int length(int tokens) {
        for (int i = 0; i < LENGTH_EDGES.length; i++) {
            if (tokens < LENGTH_EDGES[i]) {
                return i;
            }
        }
        return LENGTH_EDGES.length;
    }
}
