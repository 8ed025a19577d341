package io.triage.model.infer;

import io.triage.model.text.EncodedBatch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * A padded batch cut into at most {@code parts} sub-batches of rows of similar token length, each padded only to
 * its own longest row, of about the same cost each: what single-threaded passes run side by side. {@link #merge}
 * puts their rows of scores back in the batch's order.
 *
 * <p>Exact: the tokenizer pads on the right, so dropping a sub-batch's trailing padding columns removes only
 * masked positions.
 */
public final class BatchSplit {
    /**
     * Rows per part above which a batch gets more parts than threads: cutting a wide batch finer removes more
     * padding than the smaller matrix products lose (A/B on 2 cores: 2 parts best at batches 8 and 32, 4 at 64).
     */
    static final int ROWS_PER_PART = 16;

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
     * costliest one (rows × its longest row: the tokens a pass computes, padding included) is as cheap as it can be.
     */
    public static BatchSplit of(EncodedBatch batch, int parts) {
        if (parts < 1) {
            throw new IllegalArgumentException("parts must be positive, got " + parts);
        }
        int[] lengths = batch.lengths();
        int[] order = IntStream.range(0, batch.size()).boxed()
                .sorted(Comparator.comparingInt(i -> lengths[i]))
                .mapToInt(Integer::intValue).toArray();
        long cheapest = order.length == 0 ? 0 : lengths[order[order.length - 1]]; // the longest row alone
        long dearest = (long) order.length * cheapest; // the whole batch as one part
        while (cheapest < dearest) { // the least cost per part at which the rows fit in `parts` parts
            long cost = (cheapest + dearest) / 2;
            if (cut(order, lengths, cost).size() <= parts) {
                dearest = cost;
            } else {
                cheapest = cost + 1;
            }
        }
        List<int[]> rowsOf = cut(order, lengths, dearest);
        List<EncodedBatch> subBatches = rowsOf.stream().map(rows -> rows(batch, rows)).toList();
        return new BatchSplit(subBatches, rowsOf.toArray(int[][]::new), batch.size());
    }

    /** The rows in {@code order} cut greedily into parts each costing at most {@code cost}. */
    private static List<int[]> cut(int[] order, int[] lengths, long cost) {
        List<int[]> parts = new ArrayList<>();
        int start = 0;
        for (int end = 1; end <= order.length; end++) {
            boolean full = end == order.length || (long) (end + 1 - start) * lengths[order[end]] > cost;
            if (full) {
                parts.add(Arrays.copyOfRange(order, start, end));
                start = end;
            }
        }
        return parts;
    }

    /** How many parts a batch of {@code size} rows is cut into for {@code threads} threads taking them in turn. */
    public static int partsFor(int size, int threads) {
        return Math.max(threads, (size + ROWS_PER_PART - 1) / ROWS_PER_PART);
    }

    /** The sub-batches, shortest rows first. */
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
