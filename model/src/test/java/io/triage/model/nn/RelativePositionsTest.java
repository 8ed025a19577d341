package io.triage.model.nn;

import io.triage.model.config.DisentangledAttention;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** DeBERTa's log-bucketed relative positions and the c2p / p2c indexes, at deberta-v3-base's settings and tiny ones. */
class RelativePositionsTest {
    /** deberta-v3-base: position_buckets 256, max_relative_positions -1 (→ max_position_embeddings 512). */
    private static final DisentangledAttention V3_BASE =
            new DisentangledAttention(false, true, 256, 512, true, true, true, true, 0f);
    private static final DisentangledAttention TINY =
            new DisentangledAttention(false, true, 8, 16, true, true, true, true, 0f);
    private static final DisentangledAttention UNBUCKETED =
            new DisentangledAttention(false, true, 0, 3, true, true, true, true, 0f);

    @Test
    void positionsAreExactWithinHalfTheBucketsAndLogarithmicBeyond() {
        // make_log_bucket_position(r, 256, 512), worked by hand: 128 + ceil(log(|r|/128) / log(511/128) · 127)
        long[][] v3 = {{0, 0}, {100, 100}, {128, 128}, {-128, -128}, {129, 129}, {200, 169}, {-300, -207},
            {511, 255}, {1000, 317}};
        for (long[] c : v3) {
            assertEquals(c[1], RelativePositions.position((int) c[0], 0, V3_BASE), "relative position " + c[0]);
            assertEquals(c[1], RelativePositions.position(0, (int) -c[0], V3_BASE), "relative position " + c[0]);
        }
        long[][] tiny = {{4, 4}, {5, 5}, {8, 6}, {-15, -7}, {18, 8}, {40, 10}};
        for (long[] c : tiny) {
            assertEquals(c[1], RelativePositions.position((int) c[0], 0, TINY), "relative position " + c[0]);
        }
    }

    @Test
    void indexesAreClampedIntoTheRelativeEmbeddings() {
        // no buckets: span = max_relative_positions = 3, 6 rows; c2p[i,j] = clamp(i - j + 3), p2c[i,j] = clamp(j - i + 3)
        long[] c2p = RelativePositions.contentToPosition(5, UNBUCKETED);
        long[] p2c = RelativePositions.positionToContent(5, UNBUCKETED);
        assertEquals(3, c2p[0]);
        assertEquals(0, c2p[4]); // i - j = -4: clamped to 0
        assertEquals(5, c2p[4 * 5]); // i - j = 4: clamped to 2·span - 1
        assertEquals(4, c2p[2 * 5 + 1]);
        assertEquals(2, p2c[2 * 5 + 1]);
        assertEquals(5, p2c[4]);
        assertEquals(0, p2c[4 * 5]);
    }
}
