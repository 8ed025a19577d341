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

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/** A {@link MicroBatchProcessor} on a mock context with both of its stores, as the topology gives them to it. */
final class ProcessorHarness {
    static final String STORE = "buffer";

    final MockProcessorContext<byte[], SpecificRecord> context = new MockProcessorContext<>();
    final KeyValueStore<Long, BufferedEvent> buffer = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(STORE),
            Serdes.Long(), new AvroBinarySerde<>(BufferedEvent.class)).withLoggingDisabled().build();
    final KeyValueStore<String, Long> generations = Stores.keyValueStoreBuilder(
            Stores.inMemoryKeyValueStore(MicroBatchProcessor.GENERATION_STORE), Serdes.String(), Serdes.Long())
            .withLoggingDisabled().build();

    ProcessorHarness() {
        buffer.init(context.getStateStoreContext(), buffer);
        generations.init(context.getStateStoreContext(), generations);
        context.addStateStore(buffer);
        context.addStateStore(generations);
    }

    MicroBatchProcessor processor(BatchSettings settings, InferenceWorker worker, LongSupplier wallClock) {
        return new MicroBatchProcessor(settings, STORE, () -> TextEventDecoders.create(InputFormat.TEXT, Map.of()),
                new TextEventValidator(1000), 1000, worker, new StreamMetrics(new SimpleMeterRegistry()), false, null,
                wallClock);
    }

    /** Hands the processor a text record at {@code offset} of partition 0. */
    void process(MicroBatchProcessor processor, int offset) {
        context.setRecordMetadata("in", 0, offset);
        processor.process(new Record<>(("k" + offset).getBytes(StandardCharsets.UTF_8),
                ("text " + offset).getBytes(StandardCharsets.UTF_8), 0L));
    }

    List<ClassifiedEvent> results() {
        return context.forwarded().stream().map(f -> (ClassifiedEvent) f.record().value()).toList();
    }

    /** Classifies every text as "ok" at once, as version {@code version}. */
    static BatchClassifier classifier(String version) {
        return new BatchClassifier() {
            @Override
            public List<Classification> classify(List<TextInput> inputs) {
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
        };
    }
}
