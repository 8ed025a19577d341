package io.triage.console;

import io.triage.schemas.ReviewItem;
import io.triage.service.AvroRecordDecoder;
import io.triage.service.UndecodableRecordException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads the review topic from its beginning on a thread of its own (read_committed: only results the stream app
 * committed) and offers every item to the desk. Records that are not a {@code ReviewItem} are logged and skipped.
 * {@link #caughtUp()} turns true once it has read what the topic held when it started.
 */
final class ReviewFeed implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReviewFeed.class);
    private static final Duration RETRY = Duration.ofSeconds(2);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final AvroRecordDecoder<ReviewItem> decoder;
    private final Consumer<ReviewItem> sink;
    private final Thread thread;
    private volatile boolean caughtUp;
    private volatile boolean failed;

    ReviewFeed(Map<String, Object> clientConfig, Map<String, Object> registryConfig, String topic,
               Consumer<ReviewItem> sink) {
        Map<String, Object> c = new HashMap<>(clientConfig);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        this.consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.decoder = new AvroRecordDecoder<>(ReviewItem.class, registryConfig);
        this.sink = sink;
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        this.thread = new Thread(() -> run(partitions, end), "triage-console-feed");
        thread.setDaemon(true);
        thread.start();
    }

    boolean caughtUp() {
        return caughtUp;
    }

    boolean failed() {
        return failed;
    }

    private void run(List<TopicPartition> partitions, Map<TopicPartition, Long> end) {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                offerAll(consumer.poll(Duration.ofMillis(500)));
                if (!caughtUp && partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p))) {
                    caughtUp = true;
                }
            }
        } catch (WakeupException | InterruptedException e) {
            // closing
        } catch (RuntimeException e) {
            failed = true;
            LOG.error("reading the review topic failed for good", e);
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    /**
     * When the registry cannot be reached, every partition goes back to its first record not offered yet and the
     * feed waits a moment: the items are read again rather than lost.
     */
    private void offerAll(ConsumerRecords<byte[], byte[]> records) throws InterruptedException {
        List<TopicPartition> left = new ArrayList<>(records.partitions());
        for (TopicPartition tp : records.partitions()) {
            for (ConsumerRecord<byte[], byte[]> r : records.records(tp)) {
                try {
                    offer(r);
                } catch (RuntimeException registryDown) {
                    LOG.warn("the registry is unavailable; reading the review topic again in {}", RETRY,
                            registryDown);
                    consumer.seek(tp, r.offset());
                    left.remove(tp);
                    left.forEach(other -> consumer.seek(other, records.records(other).get(0).offset()));
                    Thread.sleep(RETRY.toMillis());
                    return;
                }
            }
            left.remove(tp);
        }
    }

    private void offer(ConsumerRecord<byte[], byte[]> r) {
        if (r.value() == null) {
            return;
        }
        try {
            sink.accept(decoder.decode(r.topic(), r.headers(), r.value()));
        } catch (UndecodableRecordException e) {
            LOG.warn("not a review item at {}-{}@{}: skipped ({})", r.topic(), r.partition(), r.offset(), e.getMessage());
        }
    }

    @Override
    public void close() throws InterruptedException {
        consumer.wakeup();
        thread.join(5_000);
        decoder.close();
    }
}
