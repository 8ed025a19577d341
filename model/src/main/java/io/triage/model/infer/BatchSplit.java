package io.triage.model.infer;

import io.triage.model.text.EncodedBatch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
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
        int[] order = byLength(lengths);
        return of(batch, rowsOf(order, balancedCut(order, lengths, parts)));
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
        int[] best = null;
        long bestTime = Long.MAX_VALUE;
        for (int k = Math.max(1, Math.min(order.length, threads)); k <= Math.max(1, order.length); k++) {
            int[] ends = balancedCut(order, lengths, k);
            long time = estimatedTime(order, lengths, ends, threads);
            if (time < bestTime) {
                best = ends;
                bestTime = time;
            }
        }
        return of(batch, rowsOf(order, best));
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

    /**
     * Where each part ends in {@code order} (exclusive) when its rows go into at most {@code parts} parts, the
     * costliest as cheap as a cut can make it.
     */
    private static int[] balancedCut(int[] order, int[] lengths, int parts) {
        if (order.length == 0) {
            return new int[0];
        }
        long cheapest = PASS_COST_TOKENS + lengths[order[order.length - 1]]; // the longest row alone
        long dearest = PASS_COST_TOKENS + (long) order.length * lengths[order[order.length - 1]]; // one part
        while (cheapest < dearest) { // the least cost per part at which the rows fit in `parts` parts
            long cost = (cheapest + dearest) / 2;
            if (cut(order, lengths, cost).length <= parts) {
                dearest = cost;
            } else {
                cheapest = cost + 1;
            }
        }
        return cut(order, lengths, dearest);
    }

    /** Where each part ends in {@code order} (exclusive) when its rows are cut greedily at {@code cost} a part. */
    private static int[] cut(int[] order, int[] lengths, long cost) {
        int[] ends = new int[order.length];
        int parts = 0;
        int start = 0;
        for (int end = 1; end <= order.length; end++) {
            boolean full = end == order.length
                    || PASS_COST_TOKENS + (long) (end + 1 - start) * lengths[order[end]] > cost;
            if (full) {
                ends[parts++] = end;
                start = end;
            }
        }
        return Arrays.copyOf(ends, parts);
    }

    /** The rows of each part, given where the parts end in {@code order}. */
    private static List<int[]> rowsOf(int[] order, int[] ends) {
        List<int[]> parts = new ArrayList<>(ends.length);
        for (int p = 0; p < ends.length; p++) {
            parts.add(Arrays.copyOfRange(order, p == 0 ? 0 : ends[p - 1], ends[p]));
        }
        return parts;
    }

    /**
     * When the last part ends if {@code threads} threads take them costliest first, each the next free. Rows are in
     * length order, so a part's longest row is its last.
     */
    private static long estimatedTime(int[] order, int[] lengths, int[] ends, int threads) {
        long[] costs = new long[ends.length];
        for (int p = 0; p < ends.length; p++) {
            int start = p == 0 ? 0 : ends[p - 1];
            costs[p] = PASS_COST_TOKENS + (long) (ends[p] - start) * lengths[order[ends[p] - 1]];
        }
        Arrays.sort(costs);
        long[] free = new long[Math.min(threads, costs.length)]; // when each thread is next free
        long last = 0;
        for (int i = costs.length - 1; i >= 0; i--) {
            int next = 0;
            for (int t = 1; t < free.length; t++) {
                next = free[t] < free[next] ? t : next;
            }
            free[next] += costs[i];
            last = Math.max(last, free[next]);
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
