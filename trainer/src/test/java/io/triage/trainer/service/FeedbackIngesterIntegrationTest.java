package io.triage.trainer.service;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.triage.embedded.EmbeddedKafka;
import io.triage.embedded.EmbeddedRegistry;
import io.triage.embedded.SharedInfrastructure;
import io.triage.schemas.DeadLetter;
import io.triage.schemas.LabeledExample;
import io.triage.service.AvroRecordDecoder;
import io.triage.service.DeadLetters;
import io.triage.service.KafkaClients;
import io.triage.service.RegistrySettings;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.triage.trainer.service.Feedback.awaitUntil;
import static org.junit.jupiter.api.Assertions.*;

/** The feedback consumer on the real broker and registry: a dead letter that was not sent is never committed. */
class FeedbackIngesterIntegrationTest {
    private static EmbeddedKafka kafka;
    private static EmbeddedRegistry registry;

    @TempDir
    Path dir;

    @BeforeAll
    static void infrastructure() {
        kafka = SharedInfrastructure.kafka();
        registry = SharedInfrastructure.registry();
    }

    @Test
    void aDeadLetterTheBrokerRefusesIsRetriedAndTheRecordIsCommittedOnlyOnceItIsSent() throws Exception {
        String feedback = "fi1.feedback";
        String dlq = "fi1.dlq";
        String group = "fi1.trainer";
        Map<String, Object> registryConfig = RegistrySettings.confluentWireFormat(registry.apiV2Url());
        kafka.createTopic(feedback, 1);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
             FeedbackStore store = FeedbackStore.open(dir, FeedbackStore.Limits.UNBOUNDED);
             KafkaProducer<byte[], DeadLetter> deadLetters = new KafkaProducer<>(producerSettings(),
                     new ByteArraySerializer(), RegistrySettings.avroSerializer(registryConfig))) {
            // the broker takes no dead letter: every one is over this topic's message size limit
            admin.createTopics(List.of(new NewTopic(dlq, 1, (short) 1)
                    .configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "64")))).all().get();
            TrainerMetrics metrics = new TrainerMetrics(new SimpleMeterRegistry(), store);
            FeedbackIngester ingester = new FeedbackIngester(consumer(group),
                    new AvroRecordDecoder<>(LabeledExample.class, registryConfig), new FeedbackRules(65_536, false),
                    () -> List.of("praise"), store, deadLetters, dlq, DeadLetters.DEFAULT_MAX_BYTES, metrics,
                    (id, label) -> {});
            try {
                ingester.start(feedback);
                try (KafkaProducer<byte[], byte[]> raw = KafkaClients.rawProducer(kafka.bootstrapServers())) {
                    raw.send(new ProducerRecord<>(feedback, "not avro".getBytes(StandardCharsets.UTF_8))).get();
                }

                awaitUntil(() -> metrics.feedbackCount("UNDECODABLE") >= 3, Duration.ofSeconds(30),
                        "the rejected record is read again after its dead letter failed");
                assertNull(committed(admin, group, feedback), "nothing committed while the dead letter is not sent");

                admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, dlq),
                        List.of(new AlterConfigOp(new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "1048588"),
                                AlterConfigOp.OpType.SET)))).all().get();
                awaitUntil(() -> committed(admin, group, feedback) != null, Duration.ofSeconds(30),
                        "the offset is committed once the dead letter is sent");
                assertEquals(1, committed(admin, group, feedback).offset());
            } finally {
                ingester.close();
            }
        }
        List<DeadLetter> letters = readDeadLetters(dlq);
        assertFalse(letters.isEmpty(), "the dead letter did not vanish");
        assertTrue(letters.get(0).getMessage().startsWith("UNDECODABLE"), letters.get(0).getMessage());
        assertEquals(ByteBuffer.wrap("not avro".getBytes(StandardCharsets.UTF_8)), letters.get(0).getOriginalValue());
    }

    private static Map<String, Object> producerSettings() {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all"); // as the trainer's own
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return p;
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String group) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static OffsetAndMetadata committed(Admin admin, String group, String topic) {
        try {
            return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()
                    .get(new TopicPartition(topic, 0));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static List<DeadLetter> readDeadLetters(String topic) {
        try (KafkaConsumer<byte[], DeadLetter> reader = KafkaClients.committedReader(kafka.bootstrapServers(), topic,
                KafkaClients.avroDeserializer(registry.apiV2Url()))) {
            return KafkaClients.readUntil(reader, r -> !r.isEmpty(), Duration.ofSeconds(30)).stream()
                    .map(ConsumerRecord::value).toList();
        }
    }
}
