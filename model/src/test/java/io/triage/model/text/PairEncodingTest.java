package io.triage.model.text;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import static io.triage.model.text.HandMadeTokenizers.FIRST_WORD_ID;
import static io.triage.model.text.HandMadeTokenizers.words;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pair encoding and {@code longest_first} truncation with hand-made word-level tokenizers (one token per word),
 * so the expected ids can be written down: first segments are {@code w0..}, second segments {@code w50..}.
 */
class PairEncodingTest {
    static final int MAX = 12;

    @Test
    void longestFirstLengthsAsTransformersFastTokenizers() {
        // the cases of tokenizers' own truncation test (max 7): ties and odd rooms give the second segment the extra
        int[][] cases = {{0, 7, 0, 7}, {2, 8, 2, 5}, {4, 4, 3, 4}, {4, 8, 3, 4}, {8, 2, 5, 2}, {8, 4, 4, 3},
                {8, 8, 3, 4}, {2, 4, 2, 4}};
        for (int[] c : cases) {
            assertArrayEquals(new int[] {c[2], c[3]}, PairTruncation.longestFirst(c[0], c[1], 7),
                    c[0] + "+" + c[1]);
        }
    }

    @Test
    void bertPairOfUnequalLengthsLosesTokensFromTheLongerFirst() {
        try (TextTokenizer t = new TextTokenizer(HandMadeTokenizers.bert(), MAX, 0)) { // room 9
            assertBertPair(t.encode(pair(3, 10)), 3, 6); // only the longer one is cut
            assertBertPair(t.encode(pair(10, 3)), 6, 3);
            assertBertPair(t.encode(pair(7, 8)), 4, 5); // both cut, the longer keeps the odd token
            assertBertPair(t.encode(pair(8, 7)), 5, 4);
            assertBertPair(t.encode(pair(6, 6)), 4, 5); // a tie: the second keeps it
            assertBertPair(t.encode(pair(2, 3)), 2, 3); // fits: untouched
        }
    }

    @Test
    void robertaPairHasTwoSeparatorsBetweenTheSegments() {
        try (TextTokenizer t = new TextTokenizer(HandMadeTokenizers.roberta(), MAX, 1)) { // 4 specials: room 8
            Encoded e = t.encode(pair(10, 3));
            long[] expected = concat(new long[] {0}, ids(0, 5), new long[] {2, 2}, ids(50, 3), new long[] {2});
            assertArrayEquals(expected, e.ids());
            assertEquals(MAX, e.length());
        }
    }

    @Test
    void xlmRobertaAndCamembertPairsAsTheirSentencePieceTokenizers() {
        try (TextTokenizer t = new TextTokenizer(HandMadeTokenizers.xlmRoberta(), MAX, 1)) { // 4 specials: room 8
            Encoded e = t.encode(pair(3, 10));
            assertArrayEquals(concat(new long[] {0}, ids(0, 3), new long[] {2, 2}, ids(50, 5), new long[] {2}), e.ids());
            assertArrayEquals(new long[MAX], e.typeIds(), "XLM-RoBERTa has one token type");
            e = t.encode(pair(6, 6)); // longest_first: a tie, then the second keeps the odd token
            assertArrayEquals(concat(new long[] {0}, ids(0, 4), new long[] {2, 2}, ids(50, 4), new long[] {2}), e.ids());
            assertArrayEquals(concat(new long[] {0}, ids(0, 3), new long[] {2}), t.encode(TextInput.of(words(0, 3))).ids());
            assertArrayEquals(concat(new long[] {0}, ids(0, 10), new long[] {2}), t.encode(TextInput.of(words(0, 30))).ids());
        }
    }

    @Test
    void debertaV3PairsHaveOneSeparatorAndSegmentTypeIds() {
        try (TextTokenizer t = new TextTokenizer(HandMadeTokenizers.debertaV3(), MAX, 0)) { // 3 specials: room 9
            Encoded e = t.encode(pair(7, 8)); // both cut, the longer keeps the odd token: 4 + 5
            long[] expected = concat(new long[] {1}, ids(0, 4), new long[] {2}, ids(50, 5), new long[] {2});
            assertArrayEquals(expected, e.ids());
            long[] types = LongStream.range(0, MAX).map(i -> i < 6 ? 0 : 1).toArray();
            assertArrayEquals(types, e.typeIds());
            assertArrayEquals(concat(new long[] {1}, ids(0, 10), new long[] {2}), t.encode(TextInput.of(words(0, 30))).ids());
        }
    }

    /** Triage's own truncation gives what the Rust tokenizers library gives itself, for every pair of lengths. */
    @Test
    void sameTokensAsTheTokenizersLibraryTruncating() throws Exception {
        for (byte[] json : List.of(HandMadeTokenizers.bert(), HandMadeTokenizers.roberta(),
                HandMadeTokenizers.xlmRoberta(), HandMadeTokenizers.debertaV3())) {
            try (TextTokenizer ours = new TextTokenizer(json, MAX, 0);
                    HuggingFaceTokenizer rust = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(json),
                            Map.of("truncation", "longest_first", "padding", "false",
                                    "maxLength", String.valueOf(MAX)))) {
                for (int a = 0; a <= 14; a++) {
                    for (int b = 1; b <= 14; b++) {
                        var reference = rust.encode(words(0, a), words(50, b));
                        Encoded e = ours.encode(pair(a, b));
                        assertArrayEquals(reference.getIds(), e.ids(), a + "+" + b);
                        assertArrayEquals(reference.getTypeIds(), e.typeIds(), a + "+" + b);
                    }
                    assertArrayEquals(rust.encode(words(0, a)).getIds(), ours.encode(TextInput.of(words(0, a))).ids());
                }
            }
        }
    }

    @Test
    void windowsOfASingleTextOverlapByTheStride() {
        try (TextTokenizer t = new TextTokenizer(HandMadeTokenizers.bert(), MAX, 0)) { // room 10
            List<Encoded> w = t.windows(TextInput.of(words(0, 20)), 4); // step 6
            assertEquals(3, w.size());
            assertArrayEquals(concat(new long[] {2}, ids(0, 10), new long[] {3}), w.get(0).ids());
            assertArrayEquals(concat(new long[] {2}, ids(6, 10), new long[] {3}), w.get(1).ids());
            assertArrayEquals(concat(new long[] {2}, ids(12, 8), new long[] {3}), w.get(2).ids());
            // a stride past half the window is held to half, so the windows always advance
            assertEquals(3, t.windows(TextInput.of(words(0, 20)), 100).size()); // step 5: 0, 5, 10
            assertEquals(1, t.windows(TextInput.of(words(0, 10)), 4).size()); // fits
        }
    }

    @Test
    void aHugeInputGetsAtMostMaxWindowsAndTheRestIsLeftOut() {
        try (TextTokenizer t = new TextTokenizer(HandMadeTokenizers.bert(), MAX, 0)) { // room 10, step 10 at stride 0
            String huge = String.join(" ", java.util.Collections.nCopies(100, words(0, 20))); // 2,000 words: 200 windows
            List<Encoded> w = t.windows(TextInput.of(huge), 0);
            assertEquals(TextTokenizer.MAX_WINDOWS, w.size(), "one input costs at most MAX_WINDOWS forward passes");
            assertArrayEquals(concat(new long[] {2}, ids(0, 10), new long[] {3}), w.get(0).ids());
        }
    }

    @Test
    void pairWindowsSplitTheLongerSegmentAndRepeatTheShorter() {
        try (TextTokenizer t = new TextTokenizer(HandMadeTokenizers.bert(), MAX, 0)) { // room 9
            List<Encoded> w = t.windows(pair(20, 3), 2); // width 6, step 4: 0, 4, 8, 12, 16
            assertEquals(5, w.size());
            for (int i = 0; i < w.size(); i++) {
                assertBertPair(w.get(i), Math.min(6, 20 - 4 * i), 3, 4 * i, 0);
            }
            List<Encoded> second = t.windows(pair(3, 20), 2); // the long second segment is windowed
            assertEquals(5, second.size());
            assertBertPair(second.get(1), 3, 6, 0, 4);
            List<Encoded> cut = t.windows(pair(20, 8), 0); // the shorter cut to half the room (4), width 5
            assertEquals(4, cut.size());
            assertBertPair(cut.get(3), 5, 4, 15, 0);
            assertTrue(cut.stream().allMatch(e -> e.length() <= MAX));
        }
    }

    @Test
    void maxLengthBelowTheTemplateNeverExceedsIt() {
        try (TextTokenizer t = new TextTokenizer(HandMadeTokenizers.roberta(), 3, 1)) { // a pair has 4 specials
            assertEquals(3, t.encode(pair(5, 5)).length());
            assertTrue(t.windows(pair(5, 5), 1).stream().allMatch(e -> e.length() <= 3));
        }
    }

    static TextInput pair(int first, int second) {
        return TextInput.pair(words(0, first), words(50, second));
    }

    static void assertBertPair(Encoded e, int firstKept, int secondKept) {
        assertBertPair(e, firstKept, secondKept, 0, 0);
    }

    /** [CLS] w(firstFrom..) [SEP] w(50+secondFrom..) [SEP], type ids 0 up to the first [SEP], 1 after. */
    static void assertBertPair(Encoded e, int firstKept, int secondKept, int firstFrom, int secondFrom) {
        long[] expected = concat(new long[] {2}, ids(firstFrom, firstKept), new long[] {3},
                ids(50 + secondFrom, secondKept), new long[] {3});
        assertArrayEquals(expected, e.ids());
        long[] types = LongStream.range(0, expected.length).map(i -> i < firstKept + 2 ? 0 : 1).toArray();
        assertArrayEquals(types, e.typeIds());
    }

    static long[] ids(int firstWord, int count) {
        return LongStream.range(firstWord, firstWord + count).map(w -> w + FIRST_WORD_ID).toArray();
    }

    static long[] concat(long[]... parts) {
        return java.util.Arrays.stream(parts).flatMapToLong(LongStream::of).toArray();
    }
}
