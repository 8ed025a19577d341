package io.triage.model;

import ai.djl.Device;
import io.triage.model.config.ModelOverrides;
import io.triage.model.infer.Classification;
import io.triage.model.infer.Precision;
import io.triage.model.infer.TextClassifier;
import io.triage.model.io.ModelLoader;
import io.triage.model.text.EncodedBatch;
import io.triage.model.text.LongInputs;
import io.triage.model.text.TextInput;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Inputs longer than the max length, truncated or windowed, on a tiny BERT classifier (max length 16: 14 words
 * of a single text fit, 13 of a pair). The references classify word slices of the text as texts of their own.
 */
class LongInputsTest {
    static final int MAX = 16;
    static final String[] WORDS = {"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "red",
        "green", "blue"}; // one token each in the bundled uncased WordPiece vocabulary
    static final float TOLERANCE = 1e-5f;

    @TempDir
    static Path tmp;
    static TextClassifier truncating;
    static TextClassifier windowing;

    @BeforeAll
    static void load() throws Exception {
        Path dir = new TinyCheckpoint("bert", 21).withTransformersHead(3)
                .declaring("BertForSequenceClassification").write(tmp.resolve("bert"), "bert.");
        truncating = TextClassifier.of(ModelLoader.loadFolder(dir, ModelOverrides.NONE.withMaxLength(MAX),
                Device.cpu()), Precision.FP32);
        windowing = TextClassifier.of(ModelLoader.loadFolder(dir, ModelOverrides.NONE.withMaxLength(MAX),
                Device.cpu()), Precision.FP32, LongInputs.window(4));
    }

    @AfterAll
    static void close() {
        truncating.close();
        windowing.close();
    }

    @Test
    void threeTimesTheModelsPositionsNeverThrows(@TempDir Path dir) throws Exception {
        Path ckpt = new TinyCheckpoint("roberta", 22).withHead(3).write(dir.resolve("roberta"), "roberta.");
        for (LongInputs mode : List.of(LongInputs.TRUNCATE, LongInputs.window(16))) {
            try (TextClassifier c = TextClassifier.of(ModelLoader.loadFolder(ckpt, ModelOverrides.NONE, Device.cpu()),
                    Precision.FP32, mode)) {
                int positions = c.model().config().encoder().maxPositions();
                String text = words(0, 3 * positions);
                List<Classification> out = c.classify(List.of(TextInput.of(text), TextInput.pair(text, text),
                        TextInput.pair("one", text)));
                assertEquals(3, out.size());
            }
        }
    }

    @Test
    void truncateClassifiesTheFirstMaxLengthTokens() {
        String text = words(0, 3 * MAX);
        assertSame(truncating.classify(List.of(TextInput.of(words(0, MAX - 2)))).get(0),
                truncating.classify(List.of(TextInput.of(text))).get(0));
    }

    @Test
    void windowAveragesTheLogitsOfOverlappingWindows() {
        // 48 words, room 14, stride 4: windows from 0, 10, 20, 30, 40 (the last one shorter)
        List<TextInput> reference = new ArrayList<>();
        for (int start : new int[] {0, 10, 20, 30, 40}) {
            reference.add(TextInput.of(words(start, Math.min(14, 48 - start))));
        }
        Classification windowed = windowing.classify(List.of(TextInput.of(words(0, 48)))).get(0);
        assertProbabilities(reference(reference), windowed);
        float[] truncated = probabilities(truncating.classify(List.of(TextInput.of(words(0, 48)))).get(0));
        assertTrue(Math.abs(truncated[0] - probabilities(windowed)[0]) > 1e-3, "windows see more than the first 14");
    }

    @Test
    void pairWindowsTheLongerSegmentAndRepeatsTheShorter() {
        // room 13, "yes no" kept whole: windows of 11 words, step 7: from 0, 7, 14, 21, 28 (28 + 11 >= 36)
        List<TextInput> first = new ArrayList<>();
        List<TextInput> second = new ArrayList<>();
        for (int start = 0; start <= 28; start += 7) {
            first.add(TextInput.pair(words(start, Math.min(11, 36 - start)), "yes no"));
            second.add(TextInput.pair("yes no", words(start, Math.min(11, 36 - start))));
        }
        List<Classification> out = windowing.classify(List.of(TextInput.pair(words(0, 36), "yes no"),
                TextInput.pair("yes no", words(0, 36))));
        assertProbabilities(reference(first), out.get(0));
        assertProbabilities(reference(second), out.get(1));
    }

    @Test
    void windowsOfABatchMapBackToTheirTexts() {
        List<TextInput> batch = List.of(TextInput.of(words(3, 40)), TextInput.of("red green"),
                TextInput.pair(words(1, 30), "blue"), TextInput.of(words(5, 9)), TextInput.of(words(2, 60)));
        List<Classification> together = windowing.classify(batch);
        List<Classification> grouped = windowing.classifyGroupedByLength(batch, 2);
        for (int i = 0; i < batch.size(); i++) {
            Classification alone = windowing.classify(List.of(batch.get(i))).get(0);
            assertSame(alone, together.get(i));
            assertSame(alone, grouped.get(i));
        }
        // short texts answer as they do truncated: windows change nothing that fits
        assertSame(truncating.classify(List.of(batch.get(1))).get(0), together.get(1));
    }

    /** Softmax of the mean of each input's logits, each computed in a forward pass of its own. */
    private static float[] reference(List<TextInput> windows) {
        float[] mean = new float[3];
        for (TextInput w : windows) {
            EncodedBatch one = truncating.model().tokenizer().encodeBatch(List.of(w));
            assertEquals(1, one.size());
            float[] logits = truncating.logits(one)[0];
            for (int j = 0; j < mean.length; j++) {
                mean[j] += logits[j] / windows.size();
            }
        }
        double sum = 0;
        for (float m : mean) {
            sum += Math.exp(m);
        }
        float[] p = new float[mean.length];
        for (int j = 0; j < p.length; j++) {
            p[j] = (float) (Math.exp(mean[j]) / sum);
        }
        return p;
    }

    private static void assertProbabilities(float[] expected, Classification actual) {
        assertArrayEquals(expected, probabilities(actual), TOLERANCE);
    }

    private static void assertSame(Classification expected, Classification actual) {
        assertEquals(expected.label(), actual.label());
        assertArrayEquals(probabilities(expected), probabilities(actual), TOLERANCE);
    }

    private static float[] probabilities(Classification c) {
        float[] p = new float[c.scores().size()];
        int i = 0;
        for (float v : c.scores().values()) {
            p[i++] = v;
        }
        return p;
    }

    static String words(int from, int count) {
        return IntStream.range(from, from + count).mapToObj(i -> WORDS[i % WORDS.length])
                .collect(Collectors.joining(" "));
    }
}
