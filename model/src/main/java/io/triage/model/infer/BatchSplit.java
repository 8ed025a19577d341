package io.triage.model.infer;

import io.triage.model.text.EncodedBatch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.stream.IntStream;

/**
 * A padded batch cut into sub-batches of rows of similar token length, each padded only to its own longest row:
 * what single-threaded passes run, side by side when there are threads for it. {@link #merge} puts their rows of
 * scores back in the batch's order.
 *
 * <p>A part's cost is estimated as {@link #PASS_COST_TOKENS} plus its rows × its longest row (the tokens a pass
 * computes, padding included).
 *
 * <p>Exact: the tokenizer pads on the right, so dropping a sub-batch's trailing padding columns removes only
 * masked positions.
 */
public final class BatchSplit {
    /**
     * What a pass costs beyond its tokens, in tokens: small on a CPU, where a pass's matrix products scale with its
     * rows. Measured on 2 cores (MiniLM): one text alone costs about what it costs in a batch, so cutting a batch of
     * mixed lengths into many parts pays back its padding; 8 and 16 beat 0, 4 and 32 (docs/benchmarks.md).
     */
    static final int PASS_COST_TOKENS = 8;

    private final List<EncodedBatch> parts;
    private final int[][] rowsOf;
    private final int size;

    private BatchSplit(List<EncodedBatch> parts, int[][] rowsOf, int size) {
        this.parts = parts;
        this.rowsOf = rowsOf;
        this.size = size;
    }

    /**
     * {@code batch} in at most {@code parts} sub-batches of consecutive rows in length order, cut so that the
     * costliest one is as cheap as it can be.
     */
    public static BatchSplit of(EncodedBatch batch, int parts) {
        if (parts < 1) {
            throw new IllegalArgumentException("parts must be positive, got " + parts);
        }
        int[] lengths = batch.lengths();
        return of(batch, balancedCut(byLength(lengths), lengths, parts));
    }

    /**
     * {@code batch} cut for {@code threads} threads that each take the next part nobody has taken: of the balanced
     * cuts into at least {@code min(rows, threads)} parts, the one whose estimated time is least (fewer parts on a
     * tie).
     */
    public static BatchSplit forThreads(EncodedBatch batch, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be positive, got " + threads);
        }
        int[] lengths = batch.lengths();
        int[] order = byLength(lengths);
        List<int[]> best = null;
        long bestTime = Long.MAX_VALUE;
        for (int k = Math.max(1, Math.min(order.length, threads)); k <= Math.max(1, order.length); k++) {
            List<int[]> cut = balancedCut(order, lengths, k);
            long time = estimatedTime(cut, lengths, threads);
            if (time < bestTime) {
                best = cut;
                bestTime = time;
            }
        }
        return of(batch, best);
    }

    private static BatchSplit of(EncodedBatch batch, List<int[]> rowsOf) {
        List<int[]> costliestFirst = new ArrayList<>(rowsOf);
        costliestFirst.sort(Comparator.comparingLong((int[] rows) -> cost(rows, batch.lengths())).reversed());
        List<EncodedBatch> subBatches = costliestFirst.stream().map(rows -> rows(batch, rows)).toList();
        return new BatchSplit(subBatches, costliestFirst.toArray(int[][]::new), batch.size());
    }

    private static int[] byLength(int[] lengths) {
        return IntStream.range(0, lengths.length).boxed()
                .sorted(Comparator.comparingInt(i -> lengths[i]))
                .mapToInt(Integer::intValue).toArray();
    }

    /** The rows in {@code order} in at most {@code parts} parts, the costliest as cheap as a cut can make it. */
    private static List<int[]> balancedCut(int[] order, int[] lengths, int parts) {
        if (order.length == 0) {
            return List.of();
        }
        long cheapest = PASS_COST_TOKENS + lengths[order[order.length - 1]]; // the longest row alone
        long dearest = PASS_COST_TOKENS + (long) order.length * lengths[order[order.length - 1]]; // one part
        while (cheapest < dearest) { // the least cost per part at which the rows fit in `parts` parts
            long cost = (cheapest + dearest) / 2;
            if (cut(order, lengths, cost).size() <= parts) {
                dearest = cost;
            } else {
                cheapest = cost + 1;
            }
        }
        return cut(order, lengths, dearest);
    }

    /** The rows in {@code order} cut greedily into parts each costing at most {@code cost}. */
    private static List<int[]> cut(int[] order, int[] lengths, long cost) {
        List<int[]> parts = new ArrayList<>();
        int start = 0;
        for (int end = 1; end <= order.length; end++) {
            boolean full = end == order.length
                    || PASS_COST_TOKENS + (long) (end + 1 - start) * lengths[order[end]] > cost;
            if (full) {
                parts.add(Arrays.copyOfRange(order, start, end));
                start = end;
            }
        }
        return parts;
    }

    /** When the last of {@code parts} ends if {@code threads} threads take them costliest first, each the next free. */
    private static long estimatedTime(List<int[]> parts, int[] lengths, int threads) {
        long[] costs = parts.stream().mapToLong(rows -> cost(rows, lengths)).sorted().toArray();
        PriorityQueue<Long> ends = new PriorityQueue<>();
        for (int t = 0; t < Math.min(threads, costs.length); t++) {
            ends.add(0L);
        }
        long last = 0;
        for (int i = costs.length - 1; i >= 0; i--) {
            long end = ends.remove() + costs[i];
            ends.add(end);
            last = Math.max(last, end);
        }
        return last;
    }

    private static long cost(int[] rows, int[] lengths) {
        int longest = Arrays.stream(rows).map(r -> lengths[r]).max().orElse(0);
        return PASS_COST_TOKENS + (long) rows.length * longest;
    }

    /** The sub-batches, costliest first. */
    public List<EncodedBatch> parts() {
        return parts;
    }

    /** Each sub-batch's rows of scores, in {@link #parts()} order, back in the batch's row order. */
    public float[][] merge(List<float[][]> partScores) {
        float[][] out = new float[size][];
        for (int p = 0; p < rowsOf.length; p++) {
            for (int r = 0; r < rowsOf[p].length; r++) {
                out[rowsOf[p][r]] = partScores.get(p)[r];
            }
        }
        return out;
    }

    /** The given rows of {@code batch}, padded to their own longest. */
    static EncodedBatch rows(EncodedBatch batch, int[] rows) {
        int len = Arrays.stream(rows).map(r -> batch.lengths()[r]).max().orElse(0);
        long[] ids = new long[rows.length * len];
        long[] types = new long[rows.length * len];
        long[] mask = new long[rows.length * len];
        int[] lengths = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            int from = rows[i] * batch.seqLen();
            System.arraycopy(batch.ids(), from, ids, i * len, len);
            System.arraycopy(batch.typeIds(), from, types, i * len, len);
            System.arraycopy(batch.mask(), from, mask, i * len, len);
            lengths[i] = batch.lengths()[rows[i]];
        }
        return new EncodedBatch(rows.length, len, ids, types, mask, lengths);
    }
}
