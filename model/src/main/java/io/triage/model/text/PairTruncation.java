package io.triage.model.text;

/**
 * How many content tokens of each segment survive {@code longest_first} truncation, as transformers' fast
 * tokenizers (the Rust {@code tokenizers} library, what {@code AutoTokenizer} loads from a tokenizer.json)
 * compute it: the longer segment gives up tokens until both are equally long, then both are cut to half the
 * room each, the odd token going to the longer one (to the second segment on a tie).
 *
 * <p>transformers' slow Python tokenizers give that odd token to the first segment instead; the two agree
 * whenever only the longer segment has to be cut.
 */
public final class PairTruncation {
    private PairTruncation() {
    }

    /**
     * @param first content tokens of the first segment
     * @param second content tokens of the second segment
     * @param room content tokens that fit (max length minus the special tokens)
     * @return {kept of first, kept of second}
     */
    public static int[] longestFirst(int first, int second, int room) {
        int budget = Math.max(0, room);
        if (first + second <= budget) {
            return new int[] {first, second};
        }
        int shorter = Math.min(first, second);
        int keepShorter;
        int keepLonger;
        if (2L * shorter <= budget) {
            keepShorter = shorter; // only the longer one is cut
            keepLonger = budget - shorter;
        } else {
            keepShorter = budget / 2;
            keepLonger = budget - keepShorter;
        }
        return first > second ? new int[] {keepLonger, keepShorter} : new int[] {keepShorter, keepLonger};
    }
}
