package io.triage.stream;

import io.triage.model.infer.Classification;
import io.triage.model.text.TextInput;
import io.triage.stream.batch.BatchClassifier;
import io.triage.stream.batch.InferenceWorker;
import io.triage.stream.batch.InferenceWorker.BatchOutcome;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The inference worker's ordering guarantees, with classifiers that answer with their own version. */
class InferenceWorkerTest {

    /** Labels every input "ok" with its own version; fails on inputs containing "bad"; can be held. */
    private static final class VersionedClassifier implements BatchClassifier {
        final String version;
        final CountDownLatch hold;
        final CountDownLatch started = new CountDownLatch(1);
        final AtomicBoolean closed = new AtomicBoolean();

        VersionedClassifier(String version, CountDownLatch hold) {
            this.version = version;
            this.hold = hold;
        }

        @Override
        public List<Classification> classify(List<TextInput> inputs) {
            started.countDown();
            try {
                assertTrue(hold.await(30, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            assertFalse(closed.get(), "a closed model must never be called");
            if (inputs.stream().anyMatch(i -> i.text().contains("bad"))) {
                throw new IllegalArgumentException("cannot classify " + inputs);
            }
            return inputs.stream().map(i -> new Classification("ok", 1f, Map.of("ok", 1f), version)).toList();
        }

        @Override
        public String modelName() {
            return "m";
        }

        @Override
        public String modelVersion() {
            return version;
        }

        @Override
        public void close() {
            closed.set(true);
        }
    }

    @Test
    void aSwapWaitsForTheBatchInFlightAndThenHandsBackTheOldModelUnclosed() throws Exception {
        CountDownLatch hold = new CountDownLatch(1);
        VersionedClassifier v1 = new VersionedClassifier("v1", hold);
        VersionedClassifier v2 = new VersionedClassifier("v2", new CountDownLatch(0));
        try (InferenceWorker worker = InferenceWorker.start(v1)) {
            CompletableFuture<BatchOutcome> first = worker.submit(List.of(TextInput.of("a"), TextInput.of("b")));
            assertTrue(v1.started.await(30, TimeUnit.SECONDS));
            CompletableFuture<BatchClassifier> swapped = worker.swap(v2);
            CompletableFuture<BatchOutcome> second = worker.submit(List.of(TextInput.of("c")));
            assertFalse(swapped.isDone(), "the swap queues behind the batch in flight");
            hold.countDown();
            assertEquals(List.of("v1", "v1"), versions(first.get(30, TimeUnit.SECONDS)));
            assertSame(v1, swapped.get(30, TimeUnit.SECONDS), "the replaced model goes back to the caller");
            assertFalse(v1.closed.get(), "closing it is the caller's, off the inference thread");
            assertEquals(List.of("v2"), versions(second.get(30, TimeUnit.SECONDS)));
            assertEquals(v2, worker.serving());
        }
        assertTrue(v2.closed.get(), "closing the worker frees the serving model");
        assertFalse(v1.closed.get(), "the worker never closes a model it handed back");
    }

    @Test
    void theFirstSwapReplacesNothing() throws Exception {
        VersionedClassifier v1 = new VersionedClassifier("v1", new CountDownLatch(0));
        try (InferenceWorker worker = InferenceWorker.start(null)) {
            assertFalse(worker.isLoaded());
            assertNull(worker.swap(v1).get(30, TimeUnit.SECONDS));
            assertTrue(worker.isLoaded());
            assertEquals(List.of("v1"), versions(worker.submit(List.of(TextInput.of("a"))).get(30, TimeUnit.SECONDS)));
        }
    }

    @Test
    void aFailedBatchIsRetriedInputByInputAndOnlyTheBadOneFails() throws Exception {
        VersionedClassifier model = new VersionedClassifier("v1", new CountDownLatch(0));
        try (InferenceWorker worker = InferenceWorker.start(model)) {
            BatchOutcome outcome = worker.submit(List.of(TextInput.of("a"), TextInput.of("bad"), TextInput.of("c")))
                    .get(30, TimeUnit.SECONDS);
            assertEquals("ok", outcome.results().get(0).label());
            assertNull(outcome.results().get(1));
            assertTrue(outcome.failures().get(1) instanceof IllegalArgumentException);
            assertEquals("ok", outcome.results().get(2).label());
            assertNull(outcome.failures().get(0));
            assertNull(outcome.failures().get(2));
        }
    }

    @Test
    void theThreadSetupRunsOnTheWorkerThreadBeforeTheFirstBatch() throws Exception {
        VersionedClassifier model = new VersionedClassifier("v1", new CountDownLatch(0));
        List<String> log = new CopyOnWriteArrayList<>();
        try (InferenceWorker worker = InferenceWorker.start(model, () -> log.add("setup on " + Thread.currentThread().getName()))) {
            worker.submit(List.of(TextInput.of("a"))).thenRun(() -> log.add("batch")).get(30, TimeUnit.SECONDS);
        }
        assertEquals(List.of("setup on triage-inference", "batch"), log);
    }

    private static List<String> versions(BatchOutcome outcome) {
        return outcome.results().stream().map(Classification::modelVersion).toList();
    }
}
