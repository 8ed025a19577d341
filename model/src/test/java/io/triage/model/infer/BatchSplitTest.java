package io.triage.model.infer;

import io.triage.model.text.Encoded;
import io.triage.model.text.EncodedBatch;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatchSplitTest {
    private static final long PAD = 0;

    /** Row i has ids 100i+1, 100i+2, ... (never the pad id), types 1, 2, ...: every row tells itself apart. */
    private static EncodedBatch batch(int... lengths) {
        List<Encoded> encodings = new ArrayList<>();
        for (int i = 0; i < lengths.length; i++) {
            long base = 100L * i;
            encodings.add(new Encoded(LongStream.rangeClosed(1, lengths[i]).map(t -> base + t).toArray(),
                    LongStream.rangeClosed(1, lengths[i]).toArray()));
        }
        return EncodedBatch.pad(encodings, PAD);
    }

    @Test
    void eachPartIsItsRowsPaddedOnlyToTheirOwnLongest() {
        EncodedBatch batch = batch(9, 2, 3, 8, 2, 10);
        BatchSplit split = BatchSplit.of(batch, 2);
        assertEquals(2, split.parts().size());
        EncodedBatch longRows = split.parts().get(0); // the costliest part first
        EncodedBatch shortRows = split.parts().get(1);
        assertEquals(batch(2, 2, 3).seqLen(), shortRows.seqLen(), "the short rows are padded to 3, not 10");
        assertArrayEquals(new int[] {2, 2, 3}, shortRows.lengths());
        assertArrayEquals(new int[] {8, 9, 10}, longRows.lengths());
        // row 1 of the batch (length 2) is the short part's first row, ids, types and mask alike
        assertArrayEquals(new long[] {101, 102, PAD}, Arrays.copyOfRange(shortRows.ids(), 0, 3));
        assertArrayEquals(new long[] {1, 2, 0}, Arrays.copyOfRange(shortRows.typeIds(), 0, 3));
        assertArrayEquals(new long[] {1, 1, 0}, Arrays.copyOfRange(shortRows.mask(), 0, 3));
        // row 2 (length 3), the part's last, has no padding left
        assertArrayEquals(new long[] {201, 202, 203}, Arrays.copyOfRange(shortRows.ids(), 6, 9));
    }

    @Test
    void mergeReturnsEveryRowOfScoresToItsPlaceInTheBatch() {
        EncodedBatch batch = batch(5, 1, 4, 4, 7, 2, 3);
        for (int parts = 1; parts <= 9; parts++) {
            BatchSplit split = BatchSplit.of(batch, parts);
            assertTrue(split.parts().size() <= parts, parts + " parts at most"); // fewer when no cut is cheaper
            List<float[][]> scores = new ArrayList<>();
            for (EncodedBatch part : split.parts()) {
                float[][] rows = new float[part.size()][];
                for (int r = 0; r < part.size(); r++) {
                    rows[r] = new float[] {part.ids()[r * part.seqLen()] / 100}; // the row's own index
                }
                scores.add(rows);
            }
            float[][] merged = split.merge(scores);
            for (int i = 0; i < batch.size(); i++) {
                assertEquals(i, merged[i][0], "row " + i + " with " + parts + " parts");
            }
            int rows = split.parts().stream().mapToInt(EncodedBatch::size).sum();
            assertEquals(batch.size(), rows, "every row in exactly one part");
        }
    }

    @Test
    void theCostliestPartIsAsCheapAsACutCanMakeIt() {
        int[] lengths = new int[32];
        Arrays.fill(lengths, 20);
        lengths[31] = 24;
        BatchSplit split = BatchSplit.of(batch(lengths), 2);
        // 18 rows of 20 tokens, then 13 of 20 padded to 24 with the longest: 360 and 336 (16 + 16 would be 320 and 384)
        assertArrayEquals(new int[] {18, 14}, split.parts().stream().mapToInt(EncodedBatch::size).toArray());
        assertEquals(24, split.parts().get(1).seqLen());
        int[] even = new int[8];
        Arrays.fill(even, 11);
        assertArrayEquals(new int[] {4, 4}, BatchSplit.of(batch(even), 2).parts().stream()
                .mapToInt(EncodedBatch::size).toArray());
        assertEquals(1, BatchSplit.of(batch(even), 1).parts().size());
        assertThrows(IllegalArgumentException.class, () -> BatchSplit.of(batch(3), 0));
    }

    @Test
    void oneThreadCutsOffTheRowsWhosePaddingCostsMoreThanAPass() {
        BatchSplit split = BatchSplit.forThreads(batch(10, 60, 10, 12, 11), 1);
        // whole: 8 + 5 × 60 = 308 tokens; the long row alone and the short ones together: 8 + 60 + 8 + 4 × 12 = 124
        assertArrayEquals(new int[] {1, 4}, split.parts().stream().mapToInt(EncodedBatch::size).toArray(),
                "the costliest part first");
        assertEquals(60, split.parts().get(0).seqLen());
        assertEquals(12, split.parts().get(1).seqLen());
        int[] even = new int[8];
        Arrays.fill(even, 20);
        assertEquals(1, BatchSplit.forThreads(batch(even), 1).parts().size(), "equal rows: a second pass only costs");
        even[7] = 22;
        assertEquals(1, BatchSplit.forThreads(batch(even), 1).parts().size(), "2 padding tokens a row cost less than a pass");
    }

    @Test
    void moreThreadsGetAPartEachAndMoreWhereThatEndsSooner() {
        int[] even = new int[8];
        Arrays.fill(even, 20);
        assertArrayEquals(new int[] {4, 4}, BatchSplit.forThreads(batch(even), 2).parts().stream()
                .mapToInt(EncodedBatch::size).toArray(), "equal rows: one part per thread");
        assertEquals(2, BatchSplit.forThreads(batch(5, 6), 4).parts().size(), "no more parts than rows");
        // 6 short rows and 2 long ones on 2 threads: the long ones together (8 + 2 × 50) beside the short ones
        // (8 + 6 × 10) end at 108; a long row each beside the short ones would end at 68 + 58 = 116 on one thread
        BatchSplit mixed = BatchSplit.forThreads(batch(10, 10, 10, 10, 10, 10, 50, 50), 2);
        assertArrayEquals(new int[] {2, 6}, mixed.parts().stream().mapToInt(EncodedBatch::size).toArray());
        assertThrows(IllegalArgumentException.class, () -> BatchSplit.forThreads(batch(3), 0));
    }
}
