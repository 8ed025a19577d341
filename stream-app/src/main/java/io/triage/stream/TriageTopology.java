package io.triage.stream;

import io.triage.schemas.ClassifiedEvent;
import io.triage.schemas.DeadLetter;
import io.triage.schemas.ReviewItem;
import io.triage.stream.batch.InferenceWorker;
import io.triage.stream.batch.LabelRoutes;
import io.triage.stream.batch.BatchSettings;
import io.triage.stream.batch.BufferedEvent;
import io.triage.stream.batch.MicroBatchProcessor;
import io.triage.stream.input.InputFormat;
import io.triage.stream.input.TextEventDecoders;
import io.triage.stream.input.TextEventValidator;
import io.triage.stream.ops.StreamMetrics;
import io.triage.stream.review.ReviewSelector;
import io.triage.stream.serde.AvroBinarySerde;
import io.triage.stream.serde.OutputFormat;
import io.triage.stream.serde.OutputSerializers;
import io.triage.service.RegistrySettings;
import io.triage.stream.config.StreamAppSettings;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

import java.util.Map;
import java.util.function.LongSupplier;

import static io.triage.stream.batch.MicroBatchProcessor.SINK_CLASSIFIED;
import static io.triage.stream.batch.MicroBatchProcessor.SINK_DEAD_LETTER;
import static io.triage.stream.batch.MicroBatchProcessor.SINK_REVIEW;
import static io.triage.stream.batch.MicroBatchProcessor.SINK_ROUTED;
import static io.triage.stream.config.StreamAppSettings.*;

/**
 * The whole stream, wired in one place:
 *
 * <pre>
 *   input topic (bytes) ──► micro-batch classifier ──► output topic        (ClassifiedEvent, every result)
 *                               │    [batch-buffer]  ├─► output prefix+label (ClassifiedEvent, when routing is on; one
 *                               │                    │   copy per label that applies, see LabelRoutes)
 *                               │                    ├─► review topic        (ReviewItem, unsure or sampled results)
 *                               │                    └─► dead-letter topic   (DeadLetter, bad input / model errors)
 * </pre>
 *
 * Values are read as raw bytes and decoded inside the processor, so that an undecodable record becomes a dead
 * letter with its original bytes instead of a deserialization error that stops the app.
 */
public final class TriageTopology {
    public static final String SOURCE = "text-events";
    public static final String CLASSIFIER = "micro-batch-classifier";
    public static final String BUFFER_STORE = "batch-buffer";

    private TriageTopology() {}

    public static Topology build(StreamAppSettings config, InferenceWorker worker, StreamMetrics metrics) {
        return build(config, worker, metrics, System::currentTimeMillis);
    }

    /** @param wallClock epoch millis; tests pass a clock they move together with the test driver's */
    public static Topology build(StreamAppSettings config, InferenceWorker worker, StreamMetrics metrics,
                                 LongSupplier wallClock) {
        Map<String, Object> registry = RegistrySettings.of(config);
        InputFormat inputFormat = config.getEnum(INPUT_FORMAT, InputFormat.class);
        OutputFormat outputFormat = config.getEnum(OUTPUT_FORMAT, OutputFormat.class);
        BatchSettings batch = new BatchSettings(config.getInt(BATCH_MAX_SIZE, 1), config.getInt(BATCH_MAX_WAIT_MS, 0),
                config.getLong(PARTITION_VERSION_WAIT_MS, 0), config.getBoolean(BATCH_IDLE_DISPATCH),
                config.getLong(BATCH_PICKUP_MS, 1));
        TextEventValidator validator = new TextEventValidator(config.getInt(MAX_TEXT_BYTES, 1));
        int deadLetterMaxBytes = config.getInt(DEAD_LETTER_MAX_VALUE_BYTES, 0);
        boolean routing = config.getBoolean(ROUTING_ENABLED);
        String routePrefix = config.get(TOPIC_ROUTE_PREFIX);
        String reviewTopic = config.get(REVIEW_TOPIC);
        ReviewSelector review = reviewTopic.isBlank() ? null : reviewSelector(config);

        Serializer<ClassifiedEvent> classified = OutputSerializers.create(outputFormat, registry);
        Serializer<DeadLetter> deadLetters = OutputSerializers.create(outputFormat, registry);
        Serializer<ClassifiedEvent> routed = OutputSerializers.create(outputFormat, registry);

        Topology topology = new Topology();
        topology.addSource(SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), config.get(TOPIC_INPUT));
        topology.addProcessor(CLASSIFIER,
                () -> new MicroBatchProcessor(batch, BUFFER_STORE, () -> TextEventDecoders.create(inputFormat, registry),
                        validator, deadLetterMaxBytes, worker, metrics, routing, review, wallClock),
                SOURCE);
        topology.addStateStore(
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(BUFFER_STORE), Serdes.Long(),
                        new AvroBinarySerde<>(BufferedEvent.class)), // changelogged: logging is on by default
                CLASSIFIER);
        topology.addStateStore(
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(MicroBatchProcessor.GENERATION_STORE),
                        Serdes.String(), Serdes.Long()), // changelogged: it moves with the task
                CLASSIFIER);
        topology.addSink(SINK_CLASSIFIED, config.get(TOPIC_OUTPUT), new ByteArraySerializer(), classified, CLASSIFIER);
        if (routing) {
            topology.addSink(SINK_ROUTED, (key, value, ctx) ->
                            LabelTopics.topicFor(routePrefix, LabelRoutes.routedLabel(ctx.headers(), value.getLabel())),
                    new ByteArraySerializer(), routed, CLASSIFIER);
        }
        if (review != null) {
            Serializer<ReviewItem> reviewItems = OutputSerializers.create(outputFormat, registry);
            topology.addSink(SINK_REVIEW, reviewTopic, new ByteArraySerializer(), reviewItems, CLASSIFIER);
        }
        topology.addSink(SINK_DEAD_LETTER, config.get(TOPIC_DEAD_LETTER), new ByteArraySerializer(), deadLetters, CLASSIFIER);
        return topology;
    }

    private static ReviewSelector reviewSelector(StreamAppSettings config) {
        return new ReviewSelector((float) config.getDouble(REVIEW_THRESHOLD, 0, 1),
                (float) config.getDouble(REVIEW_MARGIN, 0, 1), config.getDouble(REVIEW_SAMPLE, 0, 1));
    }
}
