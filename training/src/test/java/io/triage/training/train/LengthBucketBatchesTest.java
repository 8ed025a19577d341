package io.triage.training.train;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LengthBucketBatchesTest {
    private static final int[] LENGTHS = new Random(3).ints(1000, 5, 120).toArray();

    @Test
    void everyExampleOnceInBatchesOfTheGivenSize() {
        List<int[]> batches = LengthBucketBatches.batches(LENGTHS, 32, 10, new Random(1));
        int[] all = batches.stream().flatMapToInt(Arrays::stream).sorted().toArray();
        assertArrayEquals(java.util.stream.IntStream.range(0, 1000).toArray(), all);
        // chunks of 10 batches: 320, 320, 320, 40 examples → 31 full batches and one of 8
        assertEquals(32, batches.size());
        assertEquals(List.of(8), batches.stream().filter(b -> b.length != 32).map(b -> b.length).toList());
    }

    @Test
    void batchesHoldSimilarLengthsAndComeInSeededRandomOrder() {
        List<int[]> grouped = LengthBucketBatches.batches(LENGTHS, 32, 10, new Random(1));
        List<int[]> plain = LengthBucketBatches.shuffled(LENGTHS.length, 32, new Random(1));
        assertTrue(meanSpread(grouped) < 0.25 * meanSpread(plain),
                "length spread per batch " + meanSpread(grouped) + " vs unsorted " + meanSpread(plain));
        assertEquals(flatten(grouped), flatten(LengthBucketBatches.batches(LENGTHS, 32, 10, new Random(1))));
        assertNotEquals(flatten(grouped), flatten(LengthBucketBatches.batches(LENGTHS, 32, 10, new Random(2))));
        int[] firstLengths = grouped.stream().mapToInt(b -> LENGTHS[b[0]]).limit(10).toArray();
        assertTrue(!isSorted(firstLengths), "batch order is shuffled, not by length: " + Arrays.toString(firstLengths));
    }

    private static double meanSpread(List<int[]> batches) {
        return batches.stream().mapToInt(b -> {
            int[] l = Arrays.stream(b).map(i -> LENGTHS[i]).toArray();
            return Arrays.stream(l).max().orElseThrow() - Arrays.stream(l).min().orElseThrow();
        }).average().orElseThrow();
    }

    private static List<Integer> flatten(List<int[]> batches) {
        return batches.stream().flatMapToInt(Arrays::stream).boxed().toList();
    }

    private static boolean isSorted(int[] values) {
        for (int i = 1; i < values.length; i++) {
            if (values[i] < values[i - 1]) {
                return false;
            }
        }
        return true;
    }
}
