package io.triage.stream.batch;

import io.triage.model.infer.Classification;
import io.triage.model.text.TextInput;
import io.triage.schemas.ClassifiedEvent;
import io.triage.schemas.DeadLetter;
import io.triage.schemas.FailureStage;
import io.triage.schemas.TextEvent;
import io.triage.schemas.Timings;
import io.triage.stream.input.InvalidInputException;
import io.triage.stream.input.SourcePosition;
import io.triage.stream.input.TextEventDecoder;
import io.triage.stream.input.TextEventValidator;
import io.triage.stream.TriageTopology;
import io.triage.stream.ops.StreamMetrics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Decodes input records, buffers them into micro-batches, classifies each batch in one model call and forwards
 * one result per input; bad input goes to the dead letters at once.
 *
 * <p>Why nothing is lost or duplicated: the buffer lives in a changelogged state store. Under exactly-once, the
 * store writes (buffering an event, removing it once its result is forwarded), the results and the input offsets
 * are committed in one transaction. After a crash the store comes back as of the last commit, the records after
 * it are read again, and events that were buffered but not yet classified are still in the buffer. Offsets can
 * never be committed for an event that exists only in memory. The in-memory list mirrors the store for speed.
 *
 * <p>A batch is flushed when it reaches {@code maxSize}, or when its oldest event has waited {@code maxWaitMs}:
 * checked on every arriving record and by a wall-clock punctuator, so a quiet topic still gets its results out.
 * Time is read from {@code wallClock}, not from Streams' cached per-iteration time: that one lags by the length of
 * the previous model call, which made every batch after a flush look old at once and flush nearly empty.
 */
public final class MicroBatchProcessor implements Processor<byte[], byte[], byte[], SpecificRecord> {
    private static final Logger LOG = LoggerFactory.getLogger(MicroBatchProcessor.class);

    private final BatchSettings settings;
    private final String storeName;
    private final TextEventDecoder decoder;
    private final TextEventValidator validator;
    private final Supplier<BatchClassifier> classifiers;
    private final StreamMetrics metrics;
    private final boolean routing;
    private final LongSupplier wallClock;

    private ProcessorContext<byte[], SpecificRecord> context;
    private KeyValueStore<Long, BufferedEvent> store;
    private final List<Long> bufferedKeys = new ArrayList<>();
    private final List<BufferedEvent> buffered = new ArrayList<>();
    private long nextKey;

    public MicroBatchProcessor(BatchSettings settings, String storeName, TextEventDecoder decoder,
                               TextEventValidator validator, Supplier<BatchClassifier> classifiers,
                               StreamMetrics metrics, boolean routing, LongSupplier wallClock) {
        this.settings = settings;
        this.storeName = storeName;
        this.decoder = decoder;
        this.validator = validator;
        this.classifiers = classifiers;
        this.metrics = metrics;
        this.routing = routing;
        this.wallClock = wallClock;
    }

    @Override
    public void init(ProcessorContext<byte[], SpecificRecord> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
        // events buffered before a restart or a rebalance: classify them first, in their original order
        try (KeyValueIterator<Long, BufferedEvent> it = store.all()) {
            it.forEachRemaining(kv -> {
                bufferedKeys.add(kv.key);
                buffered.add(kv.value);
            });
        }
        nextKey = bufferedKeys.isEmpty() ? 0 : bufferedKeys.get(bufferedKeys.size() - 1) + 1;
        if (!buffered.isEmpty()) {
            LOG.info("{}: {} events were waiting in the buffer", context.taskId(), buffered.size());
        }
        long interval = Math.max(1, settings.maxWaitMs() / 2);
        context.schedule(Duration.ofMillis(interval), PunctuationType.WALL_CLOCK_TIME, ignored -> {
            if (oldestHasWaited(wallClock.getAsLong())) {
                flush();
            }
        });
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata meta = context.recordMetadata().orElseThrow();
        SourcePosition source = new SourcePosition(meta.topic(), meta.partition(), meta.offset(), record.timestamp());
        TextEvent event;
        try {
            if (record.value() == null) {
                throw new InvalidInputException(InvalidInputException.Reason.NULL_VALUE, "the record has no value");
            }
            event = decoder.decode(record.value(), record.headers(), source);
            validator.validate(event);
        } catch (InvalidInputException e) {
            FailureStage stage = switch (e.reason()) {
                case MISSING_TEXT, EMPTY_TEXT, TEXT_TOO_LARGE -> FailureStage.VALIDATE;
                default -> FailureStage.DESERIALIZE;
            };
            deadLetter(record.key(), record.value(), source, stage, e, e.reason().name());
            return;
        }
        long now = wallClock.getAsLong();
        BufferedEvent entry = BufferedEvent.newBuilder()
                .setKey(record.key() == null ? null : ByteBuffer.wrap(record.key()))
                .setValue(ByteBuffer.wrap(record.value()))
                .setTopic(source.topic()).setPartition(source.partition()).setOffset(source.offset())
                .setRecordTimestamp(record.timestamp()).setBufferedAt(now)
                .setId(event.getId()).setText(event.getText()).setTextPair(event.getTextPair())
                .setEventTime(event.getEventTime().toEpochMilli())
                .build();
        long key = nextKey++;
        store.put(key, entry);
        bufferedKeys.add(key);
        buffered.add(entry);
        if (buffered.size() >= settings.maxSize() || oldestHasWaited(now)) {
            flush();
        }
    }

    private boolean oldestHasWaited(long now) {
        return !buffered.isEmpty() && now - buffered.get(0).getBufferedAt() >= settings.maxWaitMs();
    }

    private void flush() {
        BatchClassifier classifier = classifiers.get();
        List<TextInput> inputs = buffered.stream()
                .map(e -> new TextInput(e.getText(), e.getTextPair())).toList();
        long started = wallClock.getAsLong();
        long t0 = System.nanoTime();
        List<Classification> results = null;
        try {
            results = classifier.classify(inputs);
        } catch (RuntimeException e) {
            LOG.warn("{}: model failed on a batch of {}, retrying each event on its own", context.taskId(), inputs.size(), e);
        }
        long modelNanos = System.nanoTime() - t0;
        long modelMs = modelNanos / 1_000_000;
        for (int i = 0; i < buffered.size(); i++) {
            BufferedEvent event = buffered.get(i);
            Classification result = results != null ? results.get(i) : classifyAlone(classifier, inputs.get(i), event);
            if (result != null) {
                forwardResult(event, result, classifier.modelName(), started, modelMs, inputs.size());
            }
            store.delete(bufferedKeys.get(i));
        }
        metrics.batch(inputs.size(), modelNanos);
        bufferedKeys.clear();
        buffered.clear();
    }

    /** The one retry a record gets when its batch failed; a second failure sends it to the dead letters. */
    private Classification classifyAlone(BatchClassifier classifier, TextInput input, BufferedEvent event) {
        try {
            return classifier.classify(List.of(input)).get(0);
        } catch (RuntimeException e) {
            SourcePosition source = new SourcePosition(event.getTopic(), event.getPartition(), event.getOffset(),
                    event.getRecordTimestamp());
            deadLetter(bytes(event.getKey()), bytes(event.getValue()), source, FailureStage.CLASSIFY, e, "MODEL_ERROR");
            return null;
        }
    }

    private void forwardResult(BufferedEvent event, Classification result, String modelName, long started,
                               long modelMs, int batchSize) {
        long now = wallClock.getAsLong();
        ClassifiedEvent out = ClassifiedEvent.newBuilder()
                .setInputId(event.getId())
                .setLabel(result.label())
                .setScore(result.score())
                .setScores(result.scores())
                .setModelName(modelName)
                .setModelVersion(result.modelVersion())
                .setEventTime(Instant.ofEpochMilli(event.getEventTime()))
                .setClassifiedAt(Instant.ofEpochMilli(now))
                .setTimings(new Timings(started - event.getBufferedAt(), modelMs, batchSize))
                .build();
        Record<byte[], SpecificRecord> record = new Record<>(bytes(event.getKey()), out, event.getRecordTimestamp());
        context.forward(record, TriageTopology.SINK_CLASSIFIED);
        if (routing) {
            context.forward(record, TriageTopology.SINK_ROUTED);
        }
        metrics.classified(now - event.getRecordTimestamp());
    }

    private void deadLetter(byte[] key, byte[] value, SourcePosition source, FailureStage stage, Exception error,
                            String reason) {
        long now = wallClock.getAsLong();
        DeadLetter letter = DeadLetter.newBuilder()
                .setOriginalKey(key == null ? null : ByteBuffer.wrap(key))
                .setOriginalValue(value == null ? null : ByteBuffer.wrap(value))
                .setSourceTopic(source.topic())
                .setSourcePartition(source.partition())
                .setSourceOffset(source.offset())
                .setStage(stage)
                .setErrorType(error.getClass().getName())
                .setMessage(String.valueOf(error.getMessage()))
                .setFailedAt(Instant.ofEpochMilli(now))
                .build();
        context.forward(new Record<>(key, letter, source.timestamp()), TriageTopology.SINK_DEAD_LETTER);
        metrics.deadLetter(stage.name(), reason);
        LOG.debug("dead letter from {}-{}@{}: {}", source.topic(), source.partition(), source.offset(), error.getMessage());
    }

    @Override
    public void close() {
        // buffered events stay in the store: the next owner of this task classifies them
        decoder.close();
    }

    private static byte[] bytes(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }
}
