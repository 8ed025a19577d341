package io.triage.service;

import io.triage.schemas.ModelUpdate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the model-update topic (compacted, keyed by model name). Every reader sees every update: partitions are
 * assigned, not subscribed through a consumer group, so each stream-app instance follows all of them. Records of
 * other model names are skipped; records that do not decode are handed back so the caller can report them.
 *
 * <p>Not thread-safe (a Kafka consumer): use it from one thread.
 */
public final class ModelUpdateLog implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(200);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final AvroRecordDecoder<ModelUpdate> decoder;
    private final String topic;
    private final String modelName;
    /** The newest decoded update seen by any read, so that {@link #latest()} is right on every call. */
    private ModelUpdate newest;

    /** One record of the topic: the update, or why it could not be read. */
    public record Entry(ConsumerRecord<byte[], byte[]> record, ModelUpdate update, UndecodableRecordException error) {}

    /**
     * @param clientConfig bootstrap servers plus any security settings
     * @param modelName    only updates with this key are returned
     */
    public ModelUpdateLog(Map<String, Object> clientConfig, Map<String, Object> registryConfig, String topic,
                          String modelName) {
        Map<String, Object> c = new HashMap<>(clientConfig);
        c.remove(ConsumerConfig.GROUP_ID_CONFIG);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        this.consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.decoder = new AvroRecordDecoder<>(ModelUpdate.class, registryConfig);
        this.topic = topic;
        this.modelName = modelName;
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
            partitions.add(new TopicPartition(topic, p.partition()));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Everything up to the current end of the topic: the history a new reader starts from. */
    public List<Entry> readToEnd() {
        Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
        List<Entry> out = new ArrayList<>();
        while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
            out.addAll(poll(POLL));
        }
        return out;
    }

    /** The newest decodable update for this model name read so far, after reading up to the current end. */
    public Optional<ModelUpdate> latest() {
        readToEnd();
        return Optional.ofNullable(newest);
    }

    /** New records for this model name, waiting at most {@code timeout}. */
    public List<Entry> poll(Duration timeout) {
        List<Entry> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) {
            if (r.key() == null || !modelName.equals(new String(r.key(), StandardCharsets.UTF_8))) {
                continue;
            }
            if (r.value() == null) {
                continue; // a tombstone: compaction's way of deleting a model name, not an update
            }
            try {
                newest = decoder.decode(r.topic(), r.headers(), r.value());
                out.add(new Entry(r, newest, null));
            } catch (UndecodableRecordException e) {
                out.add(new Entry(r, null, e));
            }
        }
        return out;
    }

    /** Makes a blocked {@link #poll} return early, from any thread. */
    public void wakeup() {
        consumer.wakeup();
    }

    @Override
    public void close() {
        consumer.close();
        decoder.close();
    }
}
