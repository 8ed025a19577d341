package io.triage.model.nn;

import io.triage.model.config.DisentangledAttention;

/**
 * DeBERTa's relative positions of a sequence of length {@code s} ({@code build_relative_position} and
 * {@code make_log_bucket_position} in transformers): {@code i - j}, log-bucketed beyond half the bucket count, and the
 * indexes into the relative embeddings that the c2p and p2c terms gather, clamped to {@code 0..2·span-1}.
 * They depend on the length alone, so they are computed here, not as tensors.
 */
final class RelativePositions {
    private RelativePositions() {}

    /** The relative position of query {@code i} to key {@code j}, bucketed as transformers does (float32 math). */
    static long position(int i, int j, DisentangledAttention a) {
        long rel = (long) i - j;
        int buckets = a.positionBuckets();
        int max = a.maxRelativePositions();
        if (buckets <= 0 || max <= 0) {
            return rel;
        }
        int mid = buckets / 2;
        long abs = rel < mid && rel > -mid ? mid - 1 : Math.abs(rel);
        if (abs <= mid) {
            return rel;
        }
        float ratio = (float) Math.log((float) abs / mid) / (float) Math.log((float) ((max - 1) / (double) mid));
        float log = (float) Math.ceil(ratio * (mid - 1)) + mid;
        return (long) (log * Math.signum(rel));
    }

    /** c2p's index [s, s] (row-major): {@code clamp(rel(i, j) + span)}. */
    static long[] contentToPosition(int s, DisentangledAttention a) {
        return indexes(s, a, 1);
    }

    /** p2c's index [s, s] before its transpose: {@code clamp(-rel(i, j) + span)}. */
    static long[] positionToContent(int s, DisentangledAttention a) {
        return indexes(s, a, -1);
    }

    private static long[] indexes(int s, DisentangledAttention a, int sign) {
        int span = a.span();
        long[] out = new long[s * s];
        for (int i = 0; i < s; i++) {
            for (int j = 0; j < s; j++) {
                out[i * s + j] = Math.max(0, Math.min(2L * span - 1, sign * position(i, j, a) + span));
            }
        }
        return out;
    }
}
