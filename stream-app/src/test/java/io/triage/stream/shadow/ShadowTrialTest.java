package io.triage.stream.shadow;

import io.triage.model.infer.Classification;
import io.triage.model.text.TextInput;
import io.triage.stream.batch.BatchClassifier;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.*;

class ShadowTrialTest {
    private static final List<String> LABELS = List.of("neg", "pos");

    /** A head that answers {@code answer(text)} with {@code score}; the text decides, as real inputs would. */
    record Head(String version, Function<String, String> answer, float score) implements BatchClassifier {
        Head(String version, Function<String, String> answer) {
            this(version, answer, 0.9f);
        }

        @Override
        public List<Classification> classify(List<TextInput> inputs) {
            return inputs.stream().map(i -> answer.apply(i.text()))
                    .map(label -> new Classification(label, score, Map.of(label, score), version)).toList();
        }

        @Override
        public String modelName() {
            return "triage";
        }

        @Override
        public String modelVersion() {
            return version;
        }
    }

    private static Classification result(String label, String version) {
        return new Classification(label, 0.9f, Map.of(label, 0.9f), version);
    }

    static List<TextInput> texts(int n) {
        return IntStream.range(0, n).mapToObj(i -> TextInput.of(i % 2 == 0 ? "good " + i : "bad " + i)).toList();
    }

    static String truth(String text) {
        return text.startsWith("good") ? "pos" : "neg";
    }

    static List<Classification> served(List<TextInput> inputs) {
        return inputs.stream().map(i -> result(truth(i.text()), "v1")).toList();
    }

    private static ShadowTally.Snapshot run(BatchClassifier candidate, int events) throws InterruptedException {
        try (ShadowTrial trial = new ShadowTrial(candidate, LABELS, 16)) {
            List<TextInput> inputs = texts(events);
            assertTrue(trial.offer(inputs, served(inputs)));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (trial.figures().events() < events && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            return trial.figures();
        }
    }

    @Test
    void aGoodCandidateAgreesAndSharesLabelsAsTheServingModelDoes() throws Exception {
        ShadowTally.Snapshot f = run(new Head("v2", ShadowTrialTest::truth), 40);
        assertEquals(40, f.events());
        assertEquals(40, f.agreed());
        assertEquals(0, f.failures());
        assertArrayEquals(new long[] {20, 20}, f.candidateLabels());
        assertArrayEquals(new long[] {20, 20}, f.servingLabels());
        assertEquals(40 * 0.9, f.candidateConfidenceSum(), 1e-4);
    }

    @Test
    void aHeadThatAlwaysAnswersOneLabelShowsInTheShares() throws Exception {
        ShadowTally.Snapshot f = run(new Head("v2", text -> "pos"), 40);
        assertEquals(20, f.agreed());
        assertArrayEquals(new long[] {0, 40}, f.candidateLabels());
        assertArrayEquals(new long[] {20, 20}, f.servingLabels());
    }

    @Test
    void failuresUnknownLabelsAndNaNScoresAreCountedAsFailures() throws Exception {
        BatchClassifier throwing = new Head("v2", text -> {
            throw new IllegalStateException("broken");
        });
        assertEquals(10, run(throwing, 10).failures());
        assertEquals(10, run(new Head("v2", text -> "maybe"), 10).failures());
        assertEquals(10, run(new Head("v2", text -> "pos", Float.NaN), 10).failures());
    }

    @Test
    void aFullQueueDropsTheOfferInsteadOfWaitingAndMemoryStaysBounded() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        BatchClassifier stuck = new Head("v2", text -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return truth(text);
        });
        try (ShadowTrial trial = new ShadowTrial(stuck, LABELS, 2)) {
            List<TextInput> one = texts(1);
            List<Boolean> accepted = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int i = 0; i < 10; i++) {
                accepted.add(trial.offer(one, served(one)));
            }
            assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(1).toNanos(), "offers never wait");
            // one batch in the candidate at most, two queued: the rest dropped
            assertTrue(trial.dropped() >= 7, "dropped " + trial.dropped() + " " + accepted);
            release.countDown();
        }
    }

    @Test
    void theSampleIsDecidedByTheIdSoEveryRunPicksTheSameEvents() {
        ShadowSample tenth = new ShadowSample(0.1);
        List<String> ids = IntStream.range(0, 20_000).mapToObj(i -> "event-" + i).toList();
        long picked = ids.stream().filter(tenth::includes).count();
        assertEquals(2_000, picked, 200);
        assertEquals(picked, ids.stream().filter(new ShadowSample(0.1)::includes).count());
        assertFalse(ids.stream().anyMatch(new ShadowSample(0)::includes));
        assertTrue(ids.stream().allMatch(new ShadowSample(1)::includes));
        assertThrows(IllegalArgumentException.class, () -> new ShadowSample(1.5));
    }
}
