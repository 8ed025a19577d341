package io.triage.console;

import io.triage.schemas.LabeledExample;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the console writes: each reviewer's label to the feedback topic and each change of an event's state (lease,
 * release, label) to the compacted state topic, with one transactional producer. A label and its {@code DONE}
 * record commit together or not at all, so after any crash the state topic says exactly which labels were sent;
 * the producer is idempotent, so a retried send is not written twice; and a second console with the same
 * transactional id fences this one (its next write fails) instead of handing out the same events.
 */
final class ReviewLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReviewLog.class);
    private static final Duration REPLAY_POLL = Duration.ofMillis(200);

    private final KafkaProducer<byte[], byte[]> producer;
    private final Serializer<LabeledExample> examples;
    private final String feedbackTopic;
    private final String stateTopic;

    ReviewLog(Map<String, Object> clientConfig, String transactionalId, Serializer<LabeledExample> examples,
              String feedbackTopic, String stateTopic) {
        Map<String, Object> p = new HashMap<>(clientConfig);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        this.examples = examples;
        this.feedbackTopic = feedbackTopic;
        this.stateTopic = stateTopic;
        producer.initTransactions(); // fences an older console with this id and finishes its open transaction
    }

    /** Writes {@code state} for event {@code id}, with {@code label} (may be null) in the same transaction. */
    synchronized void write(String id, ItemState state, LabeledExample label) {
        byte[] key = id.getBytes(StandardCharsets.UTF_8);
        producer.beginTransaction();
        try {
            if (label != null) {
                producer.send(new ProducerRecord<>(feedbackTopic, key, examples.serialize(feedbackTopic, label)));
            }
            producer.send(new ProducerRecord<>(stateTopic, key, state.toJson()));
            producer.commitTransaction();
        } catch (KafkaException e) {
            try {
                producer.abortTransaction();
            } catch (KafkaException abortFailed) {
                e.addSuppressed(abortFailed); // fenced: nothing more can be written; the caller reports it
            }
            throw e;
        }
    }

    /** The last committed state of every event on {@code stateTopic}: read to its end once, at start. */
    static Map<String, ItemState> replay(Map<String, Object> clientConfig, String stateTopic) {
        Map<String, Object> c = new HashMap<>(clientConfig);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        Map<String, ItemState> states = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(stateTopic).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(REPLAY_POLL)) {
                    apply(states, r);
                }
            }
        }
        LOG.info("replayed the state of {} events from {}", states.size(), stateTopic);
        return states;
    }

    private static void apply(Map<String, ItemState> states, ConsumerRecord<byte[], byte[]> r) {
        if (r.key() == null) {
            LOG.warn("a state record without a key at {}-{}@{}: skipped", r.topic(), r.partition(), r.offset());
            return;
        }
        String id = new String(r.key(), StandardCharsets.UTF_8);
        if (r.value() == null) {
            states.remove(id); // a tombstone
            return;
        }
        try {
            states.put(id, ItemState.fromJson(r.value()));
        } catch (IllegalArgumentException e) {
            LOG.warn("an unreadable state record at {}-{}@{}: skipped ({})", r.topic(), r.partition(), r.offset(),
                    e.getMessage());
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
