package io.triage.training.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * Batches of examples of similar token length, still in random order: shuffle, sort by length within chunks
 * of {@code chunkBatches} batches, cut into batches, shuffle the batches. Padding then wastes little compute
 * while every epoch still sees a different mix.
 */
final class LengthBucketBatches {
    /** Chunks of 50 batches: long enough for similar lengths to meet, short enough to keep randomness. */
    static final int CHUNK_BATCHES = 50;

    private LengthBucketBatches() {}

    static List<int[]> batches(int[] lengths, int batchSize, int chunkBatches, Random random) {
        List<Integer> order = new ArrayList<>(IntStream.range(0, lengths.length).boxed().toList());
        Collections.shuffle(order, random);
        int chunk = batchSize * chunkBatches;
        List<int[]> batches = new ArrayList<>();
        for (int start = 0; start < order.size(); start += chunk) {
            List<Integer> part = new ArrayList<>(order.subList(start, Math.min(order.size(), start + chunk)));
            part.sort(Comparator.comparingInt(i -> lengths[i]));
            for (int b = 0; b < part.size(); b += batchSize) {
                batches.add(part.subList(b, Math.min(part.size(), b + batchSize)).stream().mapToInt(Integer::intValue).toArray());
            }
        }
        Collections.shuffle(batches, random);
        return batches;
    }

    /** Shuffled batches without regard to length (for fixed-size cached features). */
    static List<int[]> shuffled(int size, int batchSize, Random random) {
        List<Integer> order = new ArrayList<>(IntStream.range(0, size).boxed().toList());
        Collections.shuffle(order, random);
        List<int[]> batches = new ArrayList<>();
        for (int b = 0; b < size; b += batchSize) {
            batches.add(order.subList(b, Math.min(size, b + batchSize)).stream().mapToInt(Integer::intValue).toArray());
        }
        return batches;
    }
}
