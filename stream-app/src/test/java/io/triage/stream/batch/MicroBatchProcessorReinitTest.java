package io.triage.stream.batch;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Kafka Streams may call {@code init} again on a processor it has closed (a task revived after its producer was
 * fenced during a rebalance, its store restored from the changelog). The buffered events must then be classified
 * once: the chaos test found them forwarded twice.
 */
class MicroBatchProcessorReinitTest {
    @Test
    void aProcessorInitialisedAgainClassifiesTheBufferedEventsOnce() {
        ProcessorHarness h = new ProcessorHarness();
        try (InferenceWorker worker = InferenceWorker.direct(ProcessorHarness.classifier("v"))) {
            MicroBatchProcessor processor = h.processor(new BatchSettings(4, 60_000), worker, System::currentTimeMillis);
            processor.init(h.context);
            for (int i = 0; i < 3; i++) {
                h.process(processor, i); // buffered, not yet due
            }
            processor.close();
            processor.init(h.context); // the store still holds the three events, as a restore would bring them back
            h.process(processor, 3); // four pending: the batch is due

            List<String> ids = h.results().stream().map(r -> r.getInputId().toString()).toList();
            assertEquals(4, ids.size(), "one result per event: " + ids);
            assertEquals(4, Set.copyOf(ids).size(), "no event classified twice: " + ids);
            assertEquals(0, h.buffer.approximateNumEntries(), "every classified event left the buffer");
        }
    }
}
