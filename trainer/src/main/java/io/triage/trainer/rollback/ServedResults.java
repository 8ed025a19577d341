package io.triage.trainer.rollback;

import io.triage.schemas.ClassifiedEvent;
import io.triage.service.AvroRecordDecoder;
import io.triage.service.UndecodableRecordException;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Reads the stream apps' results (the output topic, read_committed) into {@link LiveAccuracy} on a thread of its
 * own: which version answered which label for which input id. Nothing is committed; on every assignment each
 * partition is read again from its last {@code tracked / partitions} records, so a restarted trainer knows the
 * recent results again and memory stays bounded by what {@link LiveAccuracy} keeps. Results of other model names are
 * skipped; an undecodable record is skipped and counted (the topic is the stream apps', not ours to dead-letter).
 */
public final class ServedResults implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServedResults.class);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration RETRY_PAUSE = Duration.ofSeconds(1);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final AvroRecordDecoder<ClassifiedEvent> decoder;
    private final String modelName;
    private final int tracked;
    private final LiveAccuracy live;
    private final AtomicLong read = new AtomicLong();
    private final AtomicLong undecodable = new AtomicLong();
    private final Thread thread = new Thread(this::run, "triage-served-results");
    private volatile boolean running = true;
    private volatile boolean assigned;

    /** @param consumer a consumer with a group id, not auto-committing, read_committed, that cannot create topics */
    public ServedResults(KafkaConsumer<byte[], byte[]> consumer, AvroRecordDecoder<ClassifiedEvent> decoder,
                         String modelName, int tracked, LiveAccuracy live) {
        this.consumer = consumer;
        this.decoder = decoder;
        this.modelName = modelName;
        this.tracked = tracked;
        this.live = live;
        thread.setDaemon(true);
    }

    /** Follows {@code topic}; a pattern subscription waits quietly until the stream apps have created it. */
    public void start(String topic) {
        consumer.subscribe(Pattern.compile(Pattern.quote(topic)), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {}

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                rewindToRecent(partitions);
            }
        });
        thread.start();
    }

    private void rewindToRecent(Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        long perPartition = Math.max(1, tracked / partitions.size());
        Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        for (TopicPartition p : partitions) {
            consumer.seek(p, Math.max(begin.get(p), end.get(p) - perPartition));
        }
        assigned = true;
    }

    private void run() {
        while (running) {
            try {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                    served(r);
                }
            } catch (WakeupException e) {
                // close() woke the poll up: the loop ends
            } catch (RuntimeException e) {
                // e.g. the registry unreachable: the results in between go unscored, which only delays a decision
                LOG.warn("reading served results failed; going on in {}: {}", RETRY_PAUSE, e.getMessage());
                pause();
            }
        }
    }

    private void served(ConsumerRecord<byte[], byte[]> r) {
        if (r.value() == null) {
            return;
        }
        ClassifiedEvent event;
        try {
            event = decoder.decode(r.topic(), r.headers(), r.value());
        } catch (UndecodableRecordException e) {
            if (undecodable.incrementAndGet() == 1) {
                LOG.warn("result {}-{}@{} is undecodable and not tracked (only the first is logged): {}", r.topic(),
                        r.partition(), r.offset(), e.getMessage());
            }
            return;
        }
        if (modelName.equals(event.getModelName())) {
            live.served(event.getInputId(), event.getModelVersion(), event.getLabel());
            read.incrementAndGet();
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

    /** Whether the consumer owns the topic's partitions (and has read back to the recent results). */
    public boolean isAssigned() {
        return assigned;
    }

    /** Results of this model read so far. */
    public long read() {
        return read.get();
    }

    public long undecodable() {
        return undecodable.get();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(Duration.ofSeconds(30).toMillis());
        consumer.close();
        decoder.close();
    }
}
