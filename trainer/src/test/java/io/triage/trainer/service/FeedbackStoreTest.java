package io.triage.trainer.service;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class FeedbackStoreTest {
    @TempDir
    Path dir;

    private static FeedbackExample example(String id, String text, String label) {
        return new FeedbackExample(id, text, null, label, "feedback", 1_700_000_000_000L);
    }

    @Test
    void keepsNewExamplesIgnoresRedeliveriesAndTakesCorrections() throws IOException {
        try (FeedbackStore store = FeedbackStore.open(dir)) {
            assertEquals(FeedbackStore.Outcome.NEW, store.add(example("a", "great", "praise")));
            assertEquals(FeedbackStore.Outcome.NEW, store.add(example("b", "awful", "complaint")));
            assertEquals(FeedbackStore.Outcome.DUPLICATE, store.add(example("a", "great", "praise")));
            assertEquals(FeedbackStore.Outcome.CORRECTED, store.add(example("a", "great", "question")));

            assertEquals(2, store.size());
            assertEquals(3, store.changes(), "the re-delivery is no change");
            assertEquals(List.of(example("b", "awful", "complaint"), example("a", "great", "question")), store.examples(),
                    "a correction replaces the example and counts as its newest state");
        }
    }

    @Test
    void reopeningReplaysTheSameExamplesAndChanges() throws IOException {
        List<FeedbackExample> before;
        try (FeedbackStore store = FeedbackStore.open(dir)) {
            store.add(example("a", "great", "praise"));
            store.add(new FeedbackExample("p", "is it open?", "yes it is", "question", "import", null));
            store.add(example("a", "great!", "praise"));
            store.sync();
            before = store.examples();
        }
        try (FeedbackStore reopened = FeedbackStore.open(dir)) {
            assertEquals(before, reopened.examples());
            assertEquals(3, reopened.changes());
            assertEquals(FeedbackStore.Outcome.DUPLICATE, reopened.add(example("a", "great!", "praise")));
        }
    }

    @Test
    void aLineTornByACrashIsDroppedAndTheFileStaysAppendable() throws IOException {
        try (FeedbackStore store = FeedbackStore.open(dir)) {
            store.add(example("a", "great", "praise"));
            store.sync();
        }
        Files.writeString(dir.resolve(FeedbackStore.FILE), "{\"id\":\"b\",\"te", StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);

        try (FeedbackStore store = FeedbackStore.open(dir)) {
            assertEquals(List.of(example("a", "great", "praise")), store.examples());
            store.add(example("b", "awful", "complaint"));
            store.sync();
        }
        try (FeedbackStore store = FeedbackStore.open(dir)) {
            assertEquals(List.of("a", "b"), store.examples().stream().map(FeedbackExample::id).toList());
        }
    }

    @Test
    void aCorruptLineInTheMiddleIsAnErrorNamingIt() throws IOException {
        Files.writeString(dir.resolve(FeedbackStore.FILE), "not json\n{\"id\":\"a\",\"text\":\"t\",\"label\":\"l\"}\n");

        IOException e = assertThrows(IOException.class, () -> FeedbackStore.open(dir));
        assertTrue(e.getMessage().contains(FeedbackStore.FILE + ":1"), e.getMessage());
    }
}
