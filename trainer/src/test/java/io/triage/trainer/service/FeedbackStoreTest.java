package io.triage.trainer.service;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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

    private FeedbackStore open() throws IOException {
        return FeedbackStore.open(dir, FeedbackStore.Limits.UNBOUNDED);
    }

    private static FeedbackExample example(String id, String text, String label) {
        return new FeedbackExample(id, text, null, label, "feedback", 1_700_000_000_000L);
    }

    @Test
    void keepsNewExamplesIgnoresRedeliveriesAndTakesCorrections() throws IOException {
        try (FeedbackStore store = open()) {
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
        try (FeedbackStore store = open()) {
            store.add(example("a", "great", "praise"));
            store.add(new FeedbackExample("p", "is it open?", "yes it is", "question", "import", null));
            store.add(example("a", "great!", "praise"));
            store.sync();
            before = store.examples();
        }
        try (FeedbackStore reopened = open()) {
            assertEquals(before, reopened.examples());
            assertEquals(3, reopened.changes());
            assertEquals(FeedbackStore.Outcome.DUPLICATE, reopened.add(example("a", "great!", "praise")));
        }
    }

    @Test
    void labelSetsSurviveAReopenAndAChangedSetIsACorrection() throws IOException {
        FeedbackExample both = new FeedbackExample("m", "late and broken", null, "delivery", "test", null,
                List.of("delivery", "quality"));
        FeedbackExample none = new FeedbackExample("n", "fine", null, "", "test", null, List.of());
        try (FeedbackStore store = open()) {
            store.add(both);
            store.add(none);
            assertEquals(FeedbackStore.Outcome.CORRECTED, store.add(new FeedbackExample("m", "late and broken", null,
                    "delivery", "test", null, List.of("delivery"))));
            store.add(both);
            store.add(example("a", "great", "praise"));
            store.sync();
        }
        try (FeedbackStore reopened = open()) {
            assertEquals(List.of(none, both, example("a", "great", "praise")), reopened.examples());
        }
        String file = Files.readString(dir.resolve(FeedbackStore.FILE));
        assertTrue(file.lines().filter(l -> l.contains("\"id\":\"a\"")).noneMatch(l -> l.contains("labels")),
                "a single-label example's line is as it was: " + file);
    }

    @Test
    void aLineTornByACrashIsDroppedAndTheFileStaysAppendable() throws IOException {
        try (FeedbackStore store = open()) {
            store.add(example("a", "great", "praise"));
            store.sync();
        }
        Files.writeString(dir.resolve(FeedbackStore.FILE), "{\"id\":\"b\",\"te", StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);

        try (FeedbackStore store = open()) {
            assertEquals(List.of(example("a", "great", "praise")), store.examples());
            store.add(example("b", "awful", "complaint"));
            store.sync();
        }
        try (FeedbackStore store = open()) {
            assertEquals(List.of("a", "b"), store.examples().stream().map(FeedbackExample::id).toList());
        }
    }

    @Test
    void aCorruptLineInTheMiddleIsAnErrorNamingIt() throws IOException {
        Files.writeString(dir.resolve(FeedbackStore.FILE), "not json\n{\"id\":\"a\",\"text\":\"t\",\"label\":\"l\"}\n");

        IOException e = assertThrows(IOException.class, this::open);
        assertTrue(e.getMessage().contains(FeedbackStore.FILE + ":1"), e.getMessage());
    }

    private List<String> lines() throws IOException {
        return Files.readAllLines(dir.resolve(FeedbackStore.FILE));
    }

    /** Ten ids, each corrected {@code rounds} times: 10 + 10 * rounds changes. */
    private static void correctRepeatedly(FeedbackStore store, int rounds) throws IOException {
        for (int round = 0; round <= rounds; round++) {
            for (int id = 0; id < 10; id++) {
                store.add(example("id" + id, "text " + id, round % 2 == 0 ? "praise" : "complaint"));
            }
        }
    }

    @Test
    void aFileOfManyCorrectionsIsCompactedToOneLinePerIdAndSurvivesReopening() throws IOException {
        List<FeedbackExample> before;
        long bytesBefore;
        try (FeedbackStore store = open()) {
            correctRepeatedly(store, 200);
            bytesBefore = Files.size(dir.resolve(FeedbackStore.FILE));
            assertEquals(2010, lines().size(), "appended until the next sync");

            store.sync();

            assertEquals(11, lines().size(), "a header and one line per id: " + lines().subList(0, 2));
            assertTrue(Files.size(dir.resolve(FeedbackStore.FILE)) < bytesBefore / 100);
            assertEquals(2010, store.changes(), "compaction is no change");
            before = store.examples();
            assertEquals(10, before.size());
            assertEquals("praise", before.get(0).label(), "the newest state of each id");
            store.add(example("new", "after the compaction", "question"));
            store.sync();
            assertEquals(12, lines().size(), "appended to the compacted file");
        }
        try (FeedbackStore reopened = open()) {
            List<FeedbackExample> expected = new java.util.ArrayList<>(before);
            expected.add(example("new", "after the compaction", "question"));
            assertEquals(expected, reopened.examples());
            assertEquals(2011, reopened.changes(), "the count goes on where it was: retraining is not confused");
            assertEquals(FeedbackStore.Outcome.DUPLICATE, reopened.add(example("id0", "text 0", "praise")));
            assertEquals(FeedbackStore.Outcome.CORRECTED, reopened.add(example("id0", "text 0", "complaint")));
        }
    }

    @Test
    void openingCompactsAFileLeftMostlyStaleAndIgnoresAnUnfinishedCompaction() throws IOException {
        try (FeedbackStore store = open()) {
            correctRepeatedly(store, 150); // no sync: written, not compacted
        }
        Files.writeString(dir.resolve(FeedbackStore.FILE + ".tmp"), "{\"changesBefore\":99}\n{\"id\":\"half");

        try (FeedbackStore store = open()) {
            assertEquals(11, lines().size());
            assertEquals(1510, store.changes());
            assertEquals(10, store.size());
            assertFalse(Files.exists(dir.resolve(FeedbackStore.FILE + ".tmp")));
        }
    }

    @Test
    void atTheExampleCapTheOldestAreEvictedAndCorrectionsStillApply() throws IOException {
        FeedbackStore.Limits limits = new FeedbackStore.Limits(3, Long.MAX_VALUE);
        try (FeedbackStore store = FeedbackStore.open(dir, limits)) {
            TrainerMetrics metrics = new TrainerMetrics(new SimpleMeterRegistry(), store);
            for (String id : List.of("a", "b", "c")) {
                store.add(example(id, "text " + id, "praise"));
            }
            assertFalse(store.isFull());

            assertEquals(FeedbackStore.Outcome.NEW, store.add(example("d", "text d", "praise")));
            assertEquals(List.of("b", "c", "d"), ids(store), "the oldest made room");
            assertTrue(store.isFull());
            assertEquals(FeedbackStore.Outcome.CORRECTED, store.add(example("b", "text b", "complaint")));
            assertEquals(List.of("c", "d", "b"), ids(store), "a correction applies and counts as fresh");
            assertEquals(FeedbackStore.Outcome.NEW, store.add(example("a", "text a", "praise")), "evicted: new again");
            assertEquals(List.of("d", "b", "a"), ids(store));

            assertEquals(2, store.evicted());
            assertEquals(2, metrics.registry().get("triage.trainer.examples.evicted").functionCounter().count());
            assertEquals(1, metrics.registry().get("triage.trainer.examples.full").gauge().value());
            assertEquals(6, store.changes(), "evictions are no changes");
            store.sync();
        }
        try (FeedbackStore reopened = FeedbackStore.open(dir, limits)) {
            assertEquals(List.of("d", "b", "a"), ids(reopened), "replaying evicts the same examples");
            assertEquals("complaint", reopened.examples().get(1).label());
        }
    }

    @Test
    void atTheByteCapTheOldestAreEvictedButTheNewestAlwaysStays() throws IOException {
        int line = (new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(example("a", "x".repeat(100),
                "praise")) + "\n").length();
        try (FeedbackStore store = FeedbackStore.open(dir, new FeedbackStore.Limits(1000, 2L * line))) {
            for (String id : List.of("a", "b", "c")) {
                store.add(example(id, "x".repeat(100), "praise"));
            }
            assertEquals(List.of("b", "c"), ids(store));
            assertEquals(2L * line, store.bytes());

            store.add(example("huge", "x".repeat(10 * line), "praise"));
            assertEquals(List.of("huge"), ids(store), "over the cap alone, yet kept: feedback is never refused");
            assertEquals(3, store.evicted());
        }
    }

    @Test
    void aLongRunAtTheCapKeepsTheFileBounded() throws IOException {
        try (FeedbackStore store = FeedbackStore.open(dir, new FeedbackStore.Limits(100, Long.MAX_VALUE))) {
            int maxLines = 0;
            for (int i = 0; i < 5_000; i++) {
                store.add(example("id" + i, "text " + i, "praise"));
                if (i % 50 == 49) {
                    store.sync();
                    maxLines = Math.max(maxLines, lines().size());
                }
            }
            assertEquals(100, store.size());
            assertEquals("id4999", ids(store).get(99));
            assertTrue(maxLines <= FeedbackStore.MIN_STALE_LINES + 100 + 50 + 1, "file lines at most " + maxLines);
            assertEquals(4_900, store.evicted());
        }
    }

    private static List<String> ids(FeedbackStore store) {
        return store.examples().stream().map(FeedbackExample::id).toList();
    }
}
