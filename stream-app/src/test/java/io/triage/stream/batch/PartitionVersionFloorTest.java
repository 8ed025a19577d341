package io.triage.stream.batch;

import io.triage.schemas.ClassifiedEvent;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A partition that moves to an instance still loading an update must not go back to the older version: its task
 * arrives with the newest generation it was served with (restored from the changelog), and the new owner holds its
 * batches until it serves that generation too, at most {@code versionWaitMs}.
 */
class PartitionVersionFloorTest {
    private static final long OLD = 1_000;
    private static final long NEW = 2_000;

    @Test
    void aMovedPartitionWaitsForTheVersionItWasServedWith() throws Exception {
        ProcessorHarness h = new ProcessorHarness();
        h.generations.put("floor", NEW); // the previous owner forwarded results of the update
        AtomicLong clock = new AtomicLong(10_000);
        try (InferenceWorker worker = InferenceWorker.direct(null)) {
            worker.swap(ProcessorHarness.classifier("v1"), OLD).get(); // this instance has not swapped yet
            MicroBatchProcessor processor = h.processor(new BatchSettings(2, 0, 60_000), worker, clock::get);
            processor.init(h.context);
            h.process(processor, 0);
            h.process(processor, 1);
            clock.addAndGet(5_000);
            h.process(processor, 2);
            assertEquals(List.of(), h.results(), "nothing is classified by the older version");

            worker.swap(ProcessorHarness.classifier("v2"), NEW).get(); // the update is loaded here too
            h.process(processor, 3);
            List<ClassifiedEvent> results = h.results();
            assertEquals(4, results.size(), "the held batches go out once the update serves");
            assertTrue(results.stream().allMatch(r -> r.getModelVersion().toString().equals("v2")), results.toString());
        }
    }

    @Test
    void theNewestGenerationForwardedIsKeptInTheChangeloggedStore() throws Exception {
        ProcessorHarness h = new ProcessorHarness();
        try (InferenceWorker worker = InferenceWorker.direct(null)) {
            worker.swap(ProcessorHarness.classifier("v2"), NEW).get();
            MicroBatchProcessor processor = h.processor(new BatchSettings(1, 0, 60_000), worker, () -> 0L);
            processor.init(h.context);
            h.process(processor, 0);
            assertEquals(NEW, h.generations.get("floor"));
        }
    }

    @Test
    void anInstanceThatNeverGetsTheUpdateServesWhatItHasAfterTheWait() throws Exception {
        ProcessorHarness h = new ProcessorHarness();
        h.generations.put("floor", NEW);
        AtomicLong clock = new AtomicLong(10_000);
        try (InferenceWorker worker = InferenceWorker.direct(null)) {
            worker.swap(ProcessorHarness.classifier("v1"), OLD).get(); // e.g. it refused the update
            MicroBatchProcessor processor = h.processor(new BatchSettings(1, 0, 3_000), worker, clock::get);
            processor.init(h.context);
            h.process(processor, 0);
            assertEquals(List.of(), h.results());
            clock.addAndGet(3_000);
            h.process(processor, 1);
            assertEquals(2, h.results().size(), "no stall beyond the wait: " + h.results());
            assertEquals(NEW, h.generations.get("floor"), "the floor never moves back");
        }
    }
}
