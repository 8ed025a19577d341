package io.triage.stream.batch;

import io.triage.model.infer.Classification;
import io.triage.model.text.TextInput;
import io.triage.schemas.ClassifiedEvent;
import io.triage.schemas.DeadLetter;
import io.triage.schemas.FailureStage;
import io.triage.schemas.ReviewItem;
import io.triage.schemas.ReviewReason;
import io.triage.schemas.TextEvent;
import io.triage.schemas.Timings;
import io.triage.service.DeadLetters;
import io.triage.stream.batch.InferenceWorker.BatchOutcome;
import io.triage.stream.input.InvalidInputException;
import io.triage.stream.input.SourcePosition;
import io.triage.stream.input.TextEventDecoder;
import io.triage.stream.input.TextEventValidator;
import io.triage.stream.ops.StreamMetrics;
import io.triage.stream.review.ReviewSelector;
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
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Decodes input records, buffers them into micro-batches, has the {@link InferenceWorker} classify each batch in one
 * model call and forwards one result per input; bad input goes to the dead letters at once.
 *
 * <p>Why nothing is lost or duplicated: the buffer lives in a changelogged state store. Under exactly-once, the
 * store writes (buffering an event, removing it once its result is forwarded), the results and the input offsets
 * are committed in one transaction. After a crash the store comes back as of the last commit, the records after
 * it are read again, and events that were buffered but not yet classified are still in the buffer. An event stays
 * in the store until its result has been forwarded, also while its batch is with the model: a commit during
 * inference therefore keeps it, and a crash then classifies it again. Offsets can never be committed for an event
 * that exists only in memory. The in-memory lists mirror the store for speed.
 *
 * <p>A batch is dispatched when {@code maxSize} events are pending, or when the oldest has waited
 * {@code maxWaitMs}, or (idle dispatch) when the model has no batch of any task to work on: a lone event then goes
 * at once rather than wait, and under load batches grow by themselves to what arrives while the model works on
 * the previous one. Checked on every arriving record and by a wall-clock punctuator every {@code pickupMs}, so a
 * quiet topic still gets its results out. One batch per task is with the model at a time; meanwhile the next one
 * fills. Once {@code maxSize} more are pending, the task waits for the model (backpressure keeps the buffer
 * bounded).
 * Results are forwarded on the stream thread, the only one allowed to use the processor context, and a commit is
 * requested right after each batch: under exactly-once that is when they become visible to read_committed readers.
 * At full load batches are large, so this means fewer commits than a short commit interval would.
 *
 * <p>A partition's model version only moves forward, also when the partition moves to another instance: the
 * newest {@link InferenceWorker#generation() generation} a task has forwarded results of is kept in the
 * changelogged {@value #GENERATION_STORE} store, committed with those results, so it moves with the task. A new
 * owner that does not serve that generation yet (it is still loading the update) holds the task's batches until it
 * does, at most {@code versionWaitMs}; meanwhile it keeps buffering.
 *
 * <p>Time is read from {@code wallClock}, not from Streams' cached per-iteration time, which lags by however long
 * the iteration took.
 */
public final class MicroBatchProcessor implements Processor<byte[], byte[], byte[], SpecificRecord> {
    /** The sinks this processor forwards to: the topology must name its sinks so. */
    public static final String SINK_CLASSIFIED = "classified";
    /** Only forwarded to when routing is on. */
    public static final String SINK_ROUTED = "classified-by-label";
    public static final String SINK_DEAD_LETTER = "dead-letters";
    /** The changelogged store of the newest model generation the task forwarded: the topology must add it. */
    public static final String GENERATION_STORE = "served-generation";
    private static final String FLOOR = "floor";
    /** Only forwarded to when a review selector is given: the events a person should label. */
    public static final String SINK_REVIEW = "review";

    private static final Logger LOG = LoggerFactory.getLogger(MicroBatchProcessor.class);

    private final BatchSettings settings;
    private final String storeName;
    private final Supplier<TextEventDecoder> decoders;
    private TextEventDecoder decoder;
    private final TextEventValidator validator;
    private final int deadLetterMaxBytes;
    private final InferenceWorker worker;
    private final StreamMetrics metrics;
    private final boolean routing;
    private final ReviewSelector review;
    private final LongSupplier wallClock;

    private ProcessorContext<byte[], SpecificRecord> context;
    private KeyValueStore<Long, BufferedEvent> store;
    private KeyValueStore<String, Long> generations;
    /** The newest generation this task has forwarded results of, here or on its previous owner. */
    private long floor;
    /** Since when the task waits for the worker to reach {@link #floor}; -1 while it does not wait. */
    private long waitingSince;
    private boolean gaveUpWaiting;
    private final List<Long> pendingKeys = new ArrayList<>();
    private final List<BufferedEvent> pending = new ArrayList<>();
    private InFlight inFlight;
    private long nextKey;

    /** A batch the model is working on, with the store keys to delete once its results are forwarded. */
    private record InFlight(List<Long> keys, List<BufferedEvent> events, long dispatchedAt,
                            CompletableFuture<BatchOutcome> outcome) {}

    /**
     * @param decoders makes the decoder of one {@link #init} (closed by {@link #close})
     * @param review   picks the results that also go to the review sink; null: no review queue
     */
    public MicroBatchProcessor(BatchSettings settings, String storeName, Supplier<TextEventDecoder> decoders,
                               TextEventValidator validator, int deadLetterMaxBytes, InferenceWorker worker,
                               StreamMetrics metrics, boolean routing, ReviewSelector review, LongSupplier wallClock) {
        this.settings = settings;
        this.storeName = storeName;
        this.decoders = decoders;
        this.validator = validator;
        this.deadLetterMaxBytes = deadLetterMaxBytes;
        this.worker = worker;
        this.metrics = metrics;
        this.routing = routing;
        this.review = review;
        this.wallClock = wallClock;
    }

    @Override
    public void init(ProcessorContext<byte[], SpecificRecord> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
        this.generations = context.getStateStore(GENERATION_STORE);
        Long restored = generations.get(FLOOR);
        floor = restored == null ? 0 : restored;
        waitingSince = -1;
        gaveUpWaiting = false;
        this.decoder = decoders.get();
        // Streams may init a processor again after close() (a task revived after a fenced producer or a lost
        // commit, with its store restored): the store alone says what is pending, so start the mirrors afresh,
        // or the events buffered before would be classified, and forwarded, twice
        pendingKeys.clear();
        pending.clear();
        inFlight = null;
        // events buffered before a restart or a rebalance: classify them first, in their original order
        try (KeyValueIterator<Long, BufferedEvent> it = store.all()) {
            it.forEachRemaining(kv -> {
                pendingKeys.add(kv.key);
                pending.add(kv.value);
            });
        }
        nextKey = pendingKeys.isEmpty() ? 0 : pendingKeys.get(pendingKeys.size() - 1) + 1;
        if (!pending.isEmpty()) {
            LOG.info("{}: {} events were waiting in the buffer", context.taskId(), pending.size());
        }
        // often enough to keep the wait limit, and to pick up a finished batch soon even when the limit is long
        long interval = Math.max(1, Math.min(settings.maxWaitMs() / 2, settings.pickupMs()));
        context.schedule(Duration.ofMillis(interval), PunctuationType.WALL_CLOCK_TIME, ignored -> pump());
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
        BufferedEvent entry = BufferedEvent.newBuilder()
                .setKey(record.key() == null ? null : ByteBuffer.wrap(record.key()))
                .setValue(ByteBuffer.wrap(record.value()))
                .setTopic(source.topic()).setPartition(source.partition()).setOffset(source.offset())
                .setRecordTimestamp(record.timestamp()).setBufferedAt(wallClock.getAsLong())
                .setId(event.getId()).setText(event.getText()).setTextPair(event.getTextPair())
                .setEventTime(event.getEventTime().toEpochMilli())
                .build();
        long key = nextKey++;
        store.put(key, entry);
        pendingKeys.add(key);
        pending.add(entry);
        pump();
    }

    /**
     * Forwards the results of a finished batch and dispatches the next one when it is due. The next batch goes to
     * the model before the finished one's results are forwarded, so that the model works while they go out.
     */
    private void pump() {
        while (true) {
            if (inFlight != null) {
                if (!inFlight.outcome().isDone() && pending.size() < settings.maxSize()) {
                    return; // keep reading while the model works
                }
                InFlight done = inFlight;
                inFlight = null;
                BatchOutcome outcome = done.outcome().join(); // waits only when a full batch is pending (backpressure)
                metrics.pickup(System.nanoTime() - outcome.finishedAtNanos());
                raiseFloor(outcome.generation());
                dispatchIfDue();
                forward(done, outcome);
            } else if (!dispatchIfDue()) {
                return;
            }
        }
    }

    /**
     * Hands the model the next batch if one is due: a full batch, one whose oldest event has waited long enough, or,
     * with idle dispatch, whatever is pending when the model has nothing else to do (a lone event goes at once).
     *
     * @return whether a batch was dispatched
     */
    private boolean dispatchIfDue() {
        if (pending.isEmpty()) {
            return false;
        }
        long now = wallClock.getAsLong();
        boolean due = pending.size() >= settings.maxSize()
                || now - pending.get(0).getBufferedAt() >= settings.maxWaitMs()
                || (settings.idleDispatch() && worker.isIdle());
        if (!due || !servesFloor(now)) {
            return false;
        }
        int n = Math.min(settings.maxSize(), pending.size());
        List<Long> keys = new ArrayList<>(pendingKeys.subList(0, n));
        List<BufferedEvent> events = new ArrayList<>(pending.subList(0, n));
        pendingKeys.subList(0, n).clear();
        pending.subList(0, n).clear();
        List<TextInput> inputs = events.stream().map(e -> new TextInput(e.getText(), e.getTextPair())).toList();
        inFlight = new InFlight(keys, events, now, worker.submit(inputs));
        return true;
    }

    /** Keeps the newest generation the task forwarded results of, in the transaction of those results. */
    private void raiseFloor(long generation) {
        if (generation > floor) {
            floor = generation;
            generations.put(FLOOR, floor);
        }
    }

    /**
     * Whether the worker serves at least the generation this task was already served with; after waiting
     * {@code versionWaitMs} for it, the task goes on with what the worker serves rather than stall.
     */
    private boolean servesFloor(long now) {
        long serving = worker.generation();
        if (serving >= floor) {
            if (waitingSince >= 0) {
                LOG.info("{}: serves model generation {} now, after waiting {} ms", context.taskId(), serving,
                        now - waitingSince);
                waitingSince = -1;
                gaveUpWaiting = false;
            }
            return true;
        }
        if (waitingSince < 0) {
            waitingSince = now;
            LOG.info("{}: was served with model generation {}, this instance serves {}: waiting for its update",
                    context.taskId(), floor, serving);
            return false;
        }
        if (now - waitingSince < settings.versionWaitMs()) {
            return false;
        }
        if (!gaveUpWaiting) {
            gaveUpWaiting = true;
            LOG.warn("{}: this instance still serves model generation {} after {} ms, older than the {} this task "
                    + "was served with (was the update refused here?): serving it", context.taskId(), serving,
                    settings.versionWaitMs(), floor);
        }
        return true;
    }

    private void forward(InFlight batch, BatchOutcome outcome) {
        long modelMs = outcome.modelNanos() / 1_000_000;
        int size = batch.events().size();
        for (int i = 0; i < size; i++) {
            BufferedEvent event = batch.events().get(i);
            Classification result = outcome.results().get(i);
            if (result != null) {
                forwardResult(event, result, outcome.modelName(), batch.dispatchedAt(), modelMs, size);
            } else {
                SourcePosition source = new SourcePosition(event.getTopic(), event.getPartition(), event.getOffset(),
                        event.getRecordTimestamp());
                deadLetter(bytes(event.getKey()), bytes(event.getValue()), source, FailureStage.CLASSIFY,
                        outcome.failures().get(i), "MODEL_ERROR");
            }
            store.delete(batch.keys().get(i));
        }
        metrics.batch(size, outcome.modelNanos());
        ShadowTap shadow = worker.shadowTap();
        if (shadow != ShadowTap.NONE) {
            shadow.offer(batch.events().stream().map(BufferedEvent::getId).toList(),
                    batch.events().stream().map(e -> new TextInput(e.getText(), e.getTextPair())).toList(),
                    outcome.results());
        }
        // commit now rather than at the next commit interval: a read_committed reader sees results only then
        context.commit();
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
                .setLabels(result.labels())
                .build();
        Record<byte[], SpecificRecord> record = new Record<>(bytes(event.getKey()), out, event.getRecordTimestamp());
        context.forward(record, SINK_CLASSIFIED);
        if (routing) {
            // one copy per label that applies, in the same transaction as the result: each label topic gets it once
            for (String label : result.labels()) {
                context.forward(LabelRoutes.route(record, label, result.label()), SINK_ROUTED);
            }
        }
        if (review != null) {
            forwardForReview(event, out);
        }
        // drift first: whoever sees the classified count reach N finds N results in the drift window too
        metrics.drift().observe(result);
        metrics.classified(now - event.getRecordTimestamp());
    }

    /** In the same task, so in the same transaction as the result: a review item exists exactly when its result does. */
    private void forwardForReview(BufferedEvent event, ClassifiedEvent result) {
        List<ReviewReason> reasons = review.reasons(event.getId(), result.getScore(), result.getScores());
        if (reasons.isEmpty()) {
            return;
        }
        ReviewItem item = ReviewItem.newBuilder()
                .setEventId(event.getId()).setText(event.getText()).setTextPair(event.getTextPair())
                .setLabel(result.getLabel()).setScore(result.getScore())
                .setMargin(ReviewSelector.margin(result.getScore(), result.getScores())).setScores(result.getScores())
                .setReasons(reasons).setModelName(result.getModelName()).setModelVersion(result.getModelVersion())
                .setEventTime(result.getEventTime()).setClassifiedAt(result.getClassifiedAt())
                .build();
        context.forward(new Record<>(bytes(event.getKey()), item, event.getRecordTimestamp()), SINK_REVIEW);
        metrics.review(reasons);
    }

    private void deadLetter(byte[] key, byte[] value, SourcePosition source, FailureStage stage, Exception error,
                            String reason) {
        DeadLetter letter = DeadLetters.of(key, value, source.topic(), source.partition(), source.offset(), stage, error,
                reason, wallClock.getAsLong(), deadLetterMaxBytes);
        context.forward(new Record<>(key, letter, source.timestamp()), SINK_DEAD_LETTER);
        metrics.deadLetter(stage.name(), reason);
        LOG.debug("dead letter from {}-{}@{}: {}", source.topic(), source.partition(), source.offset(), error.getMessage());
    }

    @Override
    public void close() {
        // buffered events, and those of a batch still with the model, stay in the store: the next owner of this
        // task classifies them; a late result of this instance is never forwarded
        inFlight = null;
        pendingKeys.clear();
        pending.clear();
        if (decoder != null) {
            decoder.close();
            decoder = null;
        }
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
