package io.triage.console;

import io.triage.service.UndecodableRecordException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
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

/**
 * Follows topics on a thread of its own, read_committed and without a consumer group (the console keeps what it
 * reads in memory and reads it again at each start), and hands every record to a handler. A record the handler
 * cannot decode is logged and skipped. When the registry cannot be reached, every partition goes back to its first
 * record not handled yet and the follower waits a moment: records are read again, not lost. {@link #caughtUp()}
 * turns true once it has read what the topics held when it started.
 */
final class TopicFollower implements AutoCloseable {
    /** Handles one record; a RuntimeException means "try again later" (e.g. the registry is down). */
    interface Handler {
        void handle(ConsumerRecord<byte[], byte[]> record) throws UndecodableRecordException;
    }

    private static final Logger LOG = LoggerFactory.getLogger(TopicFollower.class);
    private static final Duration RETRY = Duration.ofSeconds(2);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Handler handler;
    private final Thread thread;
    private volatile boolean caughtUp;
    private volatile boolean failed;

    /** @param startAtMs read from the first record at or after this time; negative: from the beginning */
    TopicFollower(String name, Map<String, Object> clientConfig, List<String> topics, long startAtMs, Handler handler) {
        Map<String, Object> c = new HashMap<>(clientConfig);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.handler = handler;
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
        }
        consumer.assign(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        if (startAtMs < 0) {
            consumer.seekToBeginning(partitions);
        } else {
            Map<TopicPartition, Long> at = new HashMap<>();
            partitions.forEach(p -> at.put(p, startAtMs));
            Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(at);
            partitions.forEach(p -> consumer.seek(p, found.get(p) == null ? end.get(p) : found.get(p).offset()));
        }
        this.thread = new Thread(() -> run(partitions, end), name);
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
                handleAll(consumer.poll(Duration.ofMillis(500)));
                if (!caughtUp && partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p))) {
                    caughtUp = true;
                }
            }
        } catch (WakeupException | InterruptedException e) {
            // closing
        } catch (RuntimeException e) {
            failed = true;
            LOG.error("{}: reading failed for good", thread.getName(), e);
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private void handleAll(ConsumerRecords<byte[], byte[]> records) throws InterruptedException {
        List<TopicPartition> left = new ArrayList<>(records.partitions());
        for (TopicPartition tp : records.partitions()) {
            for (ConsumerRecord<byte[], byte[]> r : records.records(tp)) {
                try {
                    handle(r);
                } catch (RuntimeException unavailable) {
                    LOG.warn("{}: cannot handle {}-{}@{} now; reading it again in {}", thread.getName(), r.topic(),
                            r.partition(), r.offset(), RETRY, unavailable);
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

    private void handle(ConsumerRecord<byte[], byte[]> r) {
        if (r.value() == null) {
            return;
        }
        try {
            handler.handle(r);
        } catch (UndecodableRecordException e) {
            LOG.warn("{}: skipped {}-{}@{}: {}", thread.getName(), r.topic(), r.partition(), r.offset(), e.getMessage());
        }
    }

    @Override
    public void close() throws InterruptedException {
        consumer.wakeup();
        thread.join(5_000);
    }
}
