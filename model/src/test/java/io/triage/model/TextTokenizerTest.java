package io.triage.model;

import io.triage.model.text.Encoded;
import io.triage.model.text.EncodedBatch;
import io.triage.model.text.TextInput;
import io.triage.model.text.TextTokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Token ids of all-MiniLM-L6-v2's tokenizer.json (bert-base-uncased WordPiece vocabulary). */
class TextTokenizerTest {
    static TextTokenizer tokenizer;

    @BeforeAll
    static void load() throws Exception {
        try (InputStream in = TextTokenizerTest.class.getClassLoader()
                .getResourceAsStream("all-minilm-l6-v2-tokenizer.json")) {
            tokenizer = new TextTokenizer(in.readAllBytes(), 16, 0);
        }
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    @Test
    void singleTextIsClsTextSep() {
        Encoded e = tokenizer.encode(TextInput.of("Hello world!"));
        assertArrayEquals(new long[] {101, 7592, 2088, 999, 102}, e.ids());
        assertArrayEquals(new long[] {0, 0, 0, 0, 0}, e.typeIds());
    }

    @Test
    void pairIsClsASepBSepWithSegmentIds() {
        Encoded e = tokenizer.encode(TextInput.pair("How old are you?", "I am six years old."));
        assertArrayEquals(new long[] {101, 2129, 2214, 2024, 2017, 1029, 102, 1045, 2572, 2416, 2086, 2214, 1012, 102},
                e.ids());
        assertArrayEquals(new long[] {0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1}, e.typeIds());
    }

    @Test
    void truncatesToMaxLengthKeepingSpecialTokens() {
        Encoded single = tokenizer.encode(TextInput.of("one two three four five six seven eight nine ten eleven twelve "
                + "thirteen fourteen fifteen sixteen seventeen eighteen"));
        assertEquals(16, single.length());
        assertEquals(101, single.ids()[0]);
        assertEquals(102, single.ids()[15]);

        Encoded pair = tokenizer.encode(TextInput.pair("one two three four five six seven eight nine ten",
                "alpha beta gamma delta"));
        assertEquals(16, pair.length());
        // longest-first truncation shortens the long segment and keeps both [SEP]s
        assertEquals(2, java.util.Arrays.stream(pair.ids()).filter(id -> id == 102).count());
        assertEquals(5, java.util.Arrays.stream(pair.typeIds()).filter(t -> t == 1).count());
    }

    @Test
    void batchIsPaddedToItsLongestMember() {
        EncodedBatch batch = tokenizer.encodeBatch(List.of(TextInput.of("hi"), TextInput.of("Hello world!")));
        assertEquals(5, batch.seqLen());
        assertArrayEquals(new int[] {3, 5}, batch.lengths());
        assertArrayEquals(new long[] {101, 7632, 102, 0, 0, 101, 7592, 2088, 999, 102}, batch.ids());
        assertArrayEquals(new long[] {1, 1, 1, 0, 0, 1, 1, 1, 1, 1}, batch.mask());
    }
}
