package io.triage.model.text;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.Arrays;
import java.util.List;

/**
 * Token ids of a batch, right-padded to its longest member: the encoder's three [B,S] inputs as flat
 * row-major arrays.
 */
public record EncodedBatch(int size, int seqLen, long[] ids, long[] typeIds, long[] mask, int[] lengths) {

    /** Pads per-input encodings to the longest one with {@code padId} (mask 0 there). */
    public static EncodedBatch pad(List<Encoded> encodings, long padId) {
        int n = encodings.size();
        int len = encodings.stream().mapToInt(Encoded::length).max().orElse(0);
        long[] flatIds = new long[n * len];
        long[] flatTypes = new long[n * len];
        long[] mask = new long[n * len];
        int[] lengths = new int[n];
        Arrays.fill(flatIds, padId);
        for (int i = 0; i < n; i++) {
            Encoded e = encodings.get(i);
            int l = e.length();
            lengths[i] = l;
            System.arraycopy(e.ids(), 0, flatIds, i * len, l);
            System.arraycopy(e.typeIds(), 0, flatTypes, i * len, l);
            Arrays.fill(mask, i * len, i * len + l, 1L);
        }
        return new EncodedBatch(n, len, flatIds, flatTypes, mask, lengths);
    }

    /** Input ids, token type ids and attention mask as int64 [B,S] arrays owned by {@code manager}. */
    public NDList toNDList(NDManager manager) {
        Shape shape = new Shape(size, seqLen);
        return new NDList(manager.create(ids, shape), manager.create(typeIds, shape), manager.create(mask, shape));
    }

    /** Tokens that are padding, as a share of all positions: what length grouping saves. */
    public double paddingShare() {
        long real = Arrays.stream(lengths).asLongStream().sum();
        return size == 0 ? 0 : 1.0 - (double) real / ((long) size * seqLen);
    }
}
