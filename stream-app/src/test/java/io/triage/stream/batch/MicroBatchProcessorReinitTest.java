package io.triage.stream.batch;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.triage.model.infer.Classification;
import io.triage.model.text.TextInput;
import io.triage.schemas.ClassifiedEvent;
import io.triage.stream.input.InputFormat;
import io.triage.stream.input.TextEventDecoders;
import io.triage.stream.input.TextEventValidator;
import io.triage.stream.ops.StreamMetrics;
import io.triage.stream.serde.AvroBinarySerde;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Kafka Streams may call {@code init} again on a processor it has closed (a task revived after its producer was
 * fenced during a rebalance, its store restored from the changelog). The buffered events must then be classified
 * once: the chaos test found them forwarded twice.
 */
class MicroBatchProcessorReinitTest {
    private static final String STORE = "buffer";

    /** Classifies every text as "ok" at once. */
    private static final BatchClassifier OK = new BatchClassifier() {
        @Override
        public List<Classification> classify(List<TextInput> inputs) {
            return inputs.stream().map(i -> new Classification("ok", 1f, Map.of("ok", 1f), "v")).toList();
        }

        @Override
        public String modelName() {
            return "m";
        }

        @Override
        public String modelVersion() {
            return "v";
        }
    };

    @Test
    void aProcessorInitialisedAgainClassifiesTheBufferedEventsOnce() {
        MockProcessorContext<byte[], SpecificRecord> context = new MockProcessorContext<>();
        KeyValueStore<Long, BufferedEvent> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(STORE),
                Serdes.Long(), new AvroBinarySerde<>(BufferedEvent.class)).withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
        try (InferenceWorker worker = InferenceWorker.direct(OK)) {
            MicroBatchProcessor processor = new MicroBatchProcessor(new BatchSettings(4, 60_000), STORE,
                    () -> TextEventDecoders.create(InputFormat.TEXT, Map.of()), new TextEventValidator(1000), 1000,
                    worker, new StreamMetrics(new SimpleMeterRegistry()), false, null, System::currentTimeMillis);
            processor.init(context);
            for (int i = 0; i < 3; i++) {
                process(processor, context, i); // buffered, not yet due
            }
            processor.close();
            processor.init(context); // the store still holds the three events, as a restore would bring them back
            process(processor, context, 3); // four pending: the batch is due

            List<String> ids = context.forwarded().stream()
                    .map(f -> ((ClassifiedEvent) f.record().value()).getInputId().toString()).toList();
            assertEquals(4, ids.size(), "one result per event: " + ids);
            assertEquals(4, Set.copyOf(ids).size(), "no event classified twice: " + ids);
            assertEquals(0, store.approximateNumEntries(), "every classified event left the buffer");
        }
    }

    private static void process(MicroBatchProcessor processor, MockProcessorContext<byte[], SpecificRecord> context,
                                int offset) {
        context.setRecordMetadata("in", 0, offset);
        processor.process(new Record<>(("k" + offset).getBytes(StandardCharsets.UTF_8),
                ("text " + offset).getBytes(StandardCharsets.UTF_8), 0L));
    }
}
