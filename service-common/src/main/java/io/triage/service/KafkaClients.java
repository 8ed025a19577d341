package io.triage.service;

import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * Plain clients for tools, benchmarks and tests against a broker and registry (e.g. the embedded ones): producers
 * that wait for all replicas, read_committed readers from the beginning, and the registry's Avro serdes.
 */
public final class KafkaClients {
    static {
        AvroLimits.install();
    }

    private KafkaClients() {}

    public static <V> KafkaProducer<byte[], V> producer(String bootstrap, Serializer<V> values) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        return new KafkaProducer<>(p, new ByteArraySerializer(), values);
    }

    public static <V extends SpecificRecord> Serializer<V> avroSerializer(String registryUrl) {
        return RegistrySettings.avroSerializer(RegistrySettings.confluentWireFormat(registryUrl));
    }

    @SuppressWarnings("unchecked")
    public static <V> Deserializer<V> avroDeserializer(String registryUrl) {
        AvroKafkaDeserializer<Object> d = new AvroKafkaDeserializer<>();
        d.configure(RegistrySettings.confluentWireFormat(registryUrl), false);
        return (Deserializer<V>) (Deserializer<?>) d;
    }

    /** A read_committed consumer of {@code topic} from the beginning, in a group of its own. */
    public static <V> KafkaConsumer<byte[], V> committedReader(String bootstrap, String topic, Deserializer<V> values) {
        return subscribed(committedReaderSettings(bootstrap, "test-reader-", "earliest"), topic, values);
    }

    /**
     * A read_committed consumer for timing results: a fetch waits at most 5 ms, so the reader adds next to nothing to
     * the latency it measures.
     *
     * @param offsetReset {@code earliest} or {@code latest}
     */
    public static <V> KafkaConsumer<byte[], V> timingReader(String bootstrap, String topic, Deserializer<V> values,
            String offsetReset) {
        Properties p = committedReaderSettings(bootstrap, "bench-reader-", offsetReset);
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5);
        return subscribed(p, topic, values);
    }

    private static Properties committedReaderSettings(String bootstrap, String groupPrefix, String offsetReset) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupPrefix + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, offsetReset);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return p;
    }

    private static <V> KafkaConsumer<byte[], V> subscribed(Properties settings, String topic, Deserializer<V> values) {
        KafkaConsumer<byte[], V> c = new KafkaConsumer<>(settings, new ByteArrayDeserializer(), values);
        c.subscribe(List.of(topic));
        return c;
    }

    /** Polls until {@code done} holds for what was read so far, or the timeout passes. */
    public static <V> List<ConsumerRecord<byte[], V>> readUntil(KafkaConsumer<byte[], V> consumer,
            Predicate<List<ConsumerRecord<byte[], V>>> done, Duration timeout, List<ConsumerRecord<byte[], V>> into) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.test(into) && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200)).forEach(into::add);
        }
        return into;
    }

    public static <V> List<ConsumerRecord<byte[], V>> readUntil(KafkaConsumer<byte[], V> consumer,
            Predicate<List<ConsumerRecord<byte[], V>>> done, Duration timeout) {
        return readUntil(consumer, done, timeout, new ArrayList<>());
    }

    public static KafkaProducer<byte[], byte[]> rawProducer(String bootstrap) {
        return producer(bootstrap, new ByteArraySerializer());
    }
}
