package io.triage.trainer.service;

import io.triage.schemas.DeadLetter;
import io.triage.schemas.FailureStage;
import io.triage.schemas.LabeledExample;
import io.triage.service.AvroRecordDecoder;
import io.triage.service.DeadLetters;
import io.triage.service.UndecodableRecordException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * Reads the feedback topic into the {@link FeedbackStore} on a thread of its own. Per poll: every record is kept,
 * recognised as a duplicate, or sent to the dead letters with a reason; then the store is synced, the dead letters
 * flushed and each send checked, and only then the offsets committed. A crash in between re-delivers records the
 * store already has, which it ignores: nothing is lost, nothing counts twice. A failing poll (e.g. the registry
 * unreachable, or a dead letter the broker did not take) is retried from the last committed offsets, so a
 * rejected record is never committed without its dead letter (which may then be sent twice). Every accepted label is
 * also handed to {@code liveLabels} (id, label): feedback for a served event scores the version that served it.
 */
final class FeedbackIngester implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FeedbackIngester.class);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration RETRY_PAUSE = Duration.ofSeconds(1);

    private final Consumer<byte[], byte[]> consumer;
    private final AvroRecordDecoder<LabeledExample> decoder;
    private final FeedbackRules rules;
    private final Supplier<Collection<String>> knownLabels;
    private final FeedbackStore store;
    private final Producer<byte[], DeadLetter> deadLetters;
    private final String deadLetterTopic;
    private final int deadLetterMaxBytes;
    private final TrainerMetrics metrics;
    private final BiConsumer<String, String> liveLabels;
    /** This poll's dead letters, checked before its offsets are committed. */
    private final List<PendingDeadLetter> pendingDeadLetters = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean assigned;

    FeedbackIngester(Consumer<byte[], byte[]> consumer, AvroRecordDecoder<LabeledExample> decoder, FeedbackRules rules,
                     Supplier<Collection<String>> knownLabels, FeedbackStore store,
                     Producer<byte[], DeadLetter> deadLetters, String deadLetterTopic, int deadLetterMaxBytes,
                     TrainerMetrics metrics, BiConsumer<String, String> liveLabels) {
        this.consumer = consumer;
        this.decoder = decoder;
        this.rules = rules;
        this.knownLabels = knownLabels;
        this.store = store;
        this.deadLetters = deadLetters;
        this.deadLetterTopic = deadLetterTopic;
        this.deadLetterMaxBytes = deadLetterMaxBytes;
        this.metrics = metrics;
        this.liveLabels = liveLabels;
        this.thread = new Thread(this::run, "triage-feedback");
        this.thread.setDaemon(true);
    }

    void start(String topic) {
        consumer.subscribe(List.of(topic));
        thread.start();
    }

    /** Whether the consumer has joined its group and owns partitions. */
    boolean isAssigned() {
        return assigned;
    }

    private void run() {
        while (running) {
            pendingDeadLetters.clear();
            try {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
                assigned = !consumer.assignment().isEmpty();
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    ingest(r);
                }
                if (!records.isEmpty()) {
                    store.sync();
                    awaitDeadLetters();
                    consumer.commitSync();
                }
            } catch (WakeupException e) {
                // close() woke the poll up: the loop ends
            } catch (IOException | RuntimeException e) {
                LOG.error("reading feedback failed; retrying from the last committed offsets in {}", RETRY_PAUSE, e);
                pause();
                rewindToCommitted();
            }
        }
    }

    private void ingest(ConsumerRecord<byte[], byte[]> r) throws IOException {
        LabeledExample example;
        try {
            example = decoder.decode(r.topic(), r.headers(), r.value());
        } catch (UndecodableRecordException e) {
            reject(r, FailureStage.DESERIALIZE, e, e.reason().name());
            return;
        }
        Optional<FeedbackRules.Rejection> rejection = rules.check(example, knownLabels.get());
        if (rejection.isPresent()) {
            reject(r, FailureStage.VALIDATE, new InvalidFeedbackException(rejection.get().message()), rejection.get().reason());
            return;
        }
        FeedbackStore.Outcome outcome = store.add(FeedbackExample.of(example));
        metrics.feedback(outcome.name().toLowerCase(Locale.ROOT));
        liveLabels.accept(example.getId(), example.getLabel()); // a label for a served event scores its version
    }

    private void reject(ConsumerRecord<byte[], byte[]> r, FailureStage stage, Exception error, String reason) {
        LOG.warn("feedback {}-{}@{} rejected: {}", r.topic(), r.partition(), r.offset(), error.getMessage());
        DeadLetter letter = DeadLetters.of(r.key(), r.value(), r.topic(), r.partition(), r.offset(), stage, error, reason,
                System.currentTimeMillis(), deadLetterMaxBytes);
        pendingDeadLetters.add(new PendingDeadLetter(r.topic() + "-" + r.partition() + "@" + r.offset(),
                deadLetters.send(new ProducerRecord<>(deadLetterTopic, r.key(), letter))));
        metrics.feedback(reason);
    }

    private record PendingDeadLetter(String source, Future<RecordMetadata> sent) {}

    /** Waits for this poll's dead letters; a failed one fails the poll, so its offsets are not committed. */
    private void awaitDeadLetters() throws IOException {
        deadLetters.flush();
        for (PendingDeadLetter p : pendingDeadLetters) {
            try {
                p.sent().get();
            } catch (ExecutionException e) {
                throw new IOException("the dead letter of feedback " + p.source() + " was not sent to "
                        + deadLetterTopic + ": " + e.getCause(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while sending the dead letter of feedback " + p.source(), e);
            }
        }
    }

    private void rewindToCommitted() {
        try {
            Set<TopicPartition> partitions = consumer.assignment();
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(partitions);
            for (TopicPartition p : partitions) {
                OffsetAndMetadata c = committed.get(p);
                if (c == null) {
                    consumer.seekToBeginning(List.of(p));
                } else {
                    consumer.seek(p, c.offset());
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("cannot rewind to the committed offsets yet: {}", e.getMessage());
        }
    }

    private void pause() {
        try {
            Thread.sleep(RETRY_PAUSE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(Duration.ofSeconds(30).toMillis());
        consumer.close();
    }
}
