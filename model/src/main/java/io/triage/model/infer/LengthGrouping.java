package io.triage.model.infer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/** Groups inputs of similar token length so that padding to each group's longest member wastes little. */
public final class LengthGrouping {
    private LengthGrouping() {}

    /**
     * Indices of the inputs sorted by length (stable), cut into consecutive groups of at most
     * {@code groupSize}.
     */
    public static List<int[]> groups(int[] lengths, int groupSize) {
        if (groupSize < 1) {
            throw new IllegalArgumentException("group size must be positive, got " + groupSize);
        }
        int[] order = IntStream.range(0, lengths.length).boxed()
                .sorted(Comparator.comparingInt(i -> lengths[i]))
                .mapToInt(Integer::intValue).toArray();
        List<int[]> groups = new ArrayList<>();
        for (int start = 0; start < order.length; start += groupSize) {
            int end = Math.min(order.length, start + groupSize);
            int[] g = new int[end - start];
            System.arraycopy(order, start, g, 0, g.length);
            groups.add(g);
        }
        return groups;
    }
}
