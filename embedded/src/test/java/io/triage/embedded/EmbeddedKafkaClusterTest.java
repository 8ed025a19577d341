package io.triage.embedded;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

class EmbeddedKafkaClusterTest {
    private static final String TOPIC = "replicated";

    @Test
    void transactionsKeepWorkingWhileTheLeaderIsStoppedAndRestarted() throws Exception {
        try (EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.start();
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()))) {
            assertEquals(Set.of(0, 1, 2), cluster.brokerIds());
            assertEquals(3, admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size());
            cluster.createTopic(TOPIC, 2);
            assertEquals(3, admin.describeTopics(List.of(TOPIC)).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(TOPIC).partitions().get(0).replicas().size());
            ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, "0");
            ConfigEntry minIsr = admin.describeConfigs(List.of(broker)).all().get(30, TimeUnit.SECONDS)
                    .get(broker).get("min.insync.replicas");
            assertEquals("2", minIsr.value());

            try (KafkaProducer<String, String> producer = transactionalProducer(cluster.bootstrapServers())) {
                producer.initTransactions();
                commit(producer, 0, 10);

                int leader = cluster.leaderOf(TOPIC, 0);
                cluster.stopBroker(leader);
                assertNotEquals(leader, cluster.leaderOf(TOPIC, 0), "the leadership moved");
                commit(producer, 10, 20); // two replicas in sync: writes with acks=all still succeed

                cluster.startBroker(leader);
                commit(producer, 20, 30);
            }
            List<String> values = readCommitted(cluster.bootstrapServers(), 30);
            assertEquals(30, values.size(), "nothing lost or duplicated: " + values);
            assertEquals(30, Set.copyOf(values).size());
        }
    }

    private static void commit(KafkaProducer<String, String> producer, int from, int to) {
        producer.beginTransaction();
        for (int i = from; i < to; i++) {
            producer.send(new ProducerRecord<>(TOPIC, "k" + i, "v" + i));
        }
        producer.commitTransaction();
    }

    private static KafkaProducer<String, String> transactionalProducer(String bootstrap) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "cluster-test",
                ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new StringSerializer());
    }

    private static List<String> readCommitted(String bootstrap, int expected) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "cluster-reader",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(TOPIC));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (values.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
            }
            consumer.poll(Duration.ofMillis(500)).forEach(r -> values.add(r.value()));
        }
        return values;
    }
}
