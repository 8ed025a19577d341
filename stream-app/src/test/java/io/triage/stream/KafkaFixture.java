package io.triage.stream;

import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.triage.service.RegistrySettings;
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
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;

/** Clients for tests against the embedded broker and registry. */
final class KafkaFixture {
    private KafkaFixture() {}

    static <V> KafkaProducer<byte[], V> producer(String bootstrap, Serializer<V> values) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        return new KafkaProducer<>(p, new ByteArraySerializer(), values);
    }

    static <V> AvroKafkaSerializer<V> avroSerializer(String registryUrl) {
        AvroKafkaSerializer<V> s = new AvroKafkaSerializer<>();
        s.configure(RegistrySettings.confluentWireFormat(registryUrl), false);
        return s;
    }

    @SuppressWarnings("unchecked")
    static <V> Deserializer<V> avroDeserializer(String registryUrl) {
        AvroKafkaDeserializer<Object> d = new AvroKafkaDeserializer<>();
        d.configure(RegistrySettings.confluentWireFormat(registryUrl), false);
        return (Deserializer<V>) (Deserializer<?>) d;
    }

    /** A read_committed consumer of {@code topic} from the beginning, in a group of its own. */
    static <V> KafkaConsumer<byte[], V> committedReader(String bootstrap, String topic, Deserializer<V> values) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "test-reader-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<byte[], V> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), values);
        c.subscribe(List.of(topic));
        return c;
    }

    /** Polls until {@code done} holds for what was read so far, or the timeout passes. */
    static <V> List<ConsumerRecord<byte[], V>> readUntil(KafkaConsumer<byte[], V> consumer,
            Predicate<List<ConsumerRecord<byte[], V>>> done, Duration timeout, List<ConsumerRecord<byte[], V>> into) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.test(into) && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200)).forEach(into::add);
        }
        return into;
    }

    static <V> List<ConsumerRecord<byte[], V>> readUntil(KafkaConsumer<byte[], V> consumer,
            Predicate<List<ConsumerRecord<byte[], V>>> done, Duration timeout) {
        return readUntil(consumer, done, timeout, new ArrayList<>());
    }

    static Map<String, String> appSettings(String bootstrap, String registryUrl, String appId) {
        return Map.of(
                io.triage.stream.config.StreamAppConfig.BOOTSTRAP_SERVERS, bootstrap,
                io.triage.stream.config.StreamAppConfig.REGISTRY_URL, registryUrl,
                io.triage.stream.config.StreamAppConfig.APPLICATION_ID, appId);
    }

    static KafkaProducer<byte[], byte[]> rawProducer(String bootstrap) {
        return producer(bootstrap, new ByteArraySerializer());
    }
}
