package io.triage.stream;

import io.triage.embedded.SharedInfrastructure;
import io.triage.service.KafkaClients;
import io.triage.embedded.EmbeddedKafka;
import io.triage.embedded.EmbeddedRegistry;
import io.triage.model.io.ModelArtifact;
import io.triage.schemas.ClassifiedEvent;
import io.triage.schemas.DeadLetter;
import io.triage.schemas.ModelUpdate;
import io.triage.schemas.TextEvent;
import io.triage.stream.config.StreamAppSettings;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import io.triage.stream.TestArtifacts.Artifact;

import static io.triage.stream.StreamAppIntegrationTest.assertEventually;
import static io.triage.stream.config.StreamAppSettings.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Model updates on the real broker and registry: the swap under load, rejected updates, restart on the latest. */
class HotSwapIntegrationTest {
    private static final List<String> LABELS = List.of("neg", "pos");
    private static EmbeddedKafka kafka;
    private static EmbeddedRegistry registry;

    @TempDir
    static Path models;

    @TempDir
    Path stateDir;

    private static Artifact v1;
    private static Artifact v2;

    @BeforeAll
    static void infrastructureAndModels() throws IOException {
        kafka = SharedInfrastructure.kafka();
        registry = SharedInfrastructure.registry();
        v1 = TestArtifacts.save(models, "v1", LABELS);
        v2 = TestArtifacts.save(models, "v2", LABELS); // same encoder, another randomly initialized head: other scores
    }

    private Map<String, String> settings(String prefix) {
        Map<String, String> s = new HashMap<>(KafkaFixture.appSettings(kafka.bootstrapServers(), registry.apiV2Url(), prefix + "app"));
        s.putAll(Map.of(TOPIC_INPUT, prefix + "in", TOPIC_OUTPUT, prefix + "out", TOPIC_DEAD_LETTER, prefix + "dlq",
                TOPIC_MODEL_UPDATES, prefix + "updates", TOPIC_PARTITIONS, "2", MODEL_LABELS, String.join(",", LABELS),
                BATCH_MAX_SIZE, "16", HTTP_PORT, "-1", "kafka.state.dir", stateDir.toString()));
        s.put(ARTIFACT_ALLOWED_URIS, models.toString());
        s.put(TOPIC_SHADOW_REPORTS, prefix + "shadow-reports"); // shadow.sample keeps its default
        return s;
    }

    /** Publishes {@code update} signed by the trainer's key, as the trainer would. */
    private static void publish(String topic, ModelUpdate update) {
        try (KafkaProducer<byte[], ModelUpdate> p = KafkaClients.producer(kafka.bootstrapServers(),
                KafkaClients.avroSerializer(registry.apiV2Url()))) {
            p.send(new ProducerRecord<>(topic, "triage".getBytes(StandardCharsets.UTF_8), KafkaFixture.TRAINER.sign(update)));
        }
    }

    private static ModelUpdate update(Artifact a, String uri, String sha, List<String> labels) {
        return TestArtifacts.update(a.version(), uri, sha, labels);
    }

    private static ModelUpdate update(Artifact a) {
        return update(a, a.dir().toUri().toString(), a.sha256(), LABELS);
    }

    @Test
    void aSwapUnderLoadLosesNothingAndVersionsNeverGoBackThenARestartServesTheNewVersion() throws Exception {
        String prefix = "hs1.";
        StreamAppSettings config = StreamAppSettings.of(settings(prefix));
        int n;
        List<ConsumerRecord<byte[], ClassifiedEvent>> results;
        try (TriageStreamApp app = TriageStreamApp.start(config)) { // no update yet: topic created, bootstrap model
            assertEventually(app::isReady, Duration.ofSeconds(60), "the app becomes ready");
            publish(prefix + "updates", update(v1));
            assertEventually(() -> app.metrics().modelUpdateCount("swapped") == 1, Duration.ofSeconds(60), "v1 serves");

            AtomicInteger sent = new AtomicInteger();
            AtomicBoolean stop = new AtomicBoolean();
            Thread producer = new Thread(() -> produceUntil(prefix + "in", "a", 20, stop, sent)); // steady load
            producer.start();
            try (KafkaConsumer<byte[], ClassifiedEvent> reader = KafkaClients.committedReader(kafka.bootstrapServers(),
                    prefix + "out", KafkaClients.avroDeserializer(registry.apiV2Url()))) {
                results = KafkaClients.readUntil(reader, r -> r.size() >= 100, Duration.ofSeconds(120));
                publish(prefix + "updates", update(v2)); // mid-stream
                // loading runs at low priority, so how long it takes depends on the machine: load until it serves
                assertEventually(() -> app.metrics().modelUpdateCount("swapped") == 2, Duration.ofSeconds(120), "v2 serves");
                int atSwap = sent.get();
                assertEventually(() -> sent.get() >= atSwap + 100, Duration.ofSeconds(60), "load after the swap");
                stop.set(true);
                producer.join();
                n = sent.get();
                KafkaClients.readUntil(reader, r -> r.size() >= n, Duration.ofSeconds(180), results);
                KafkaClients.readUntil(reader, r -> false, Duration.ofSeconds(2), results); // anything more: a duplicate
            }
            assertEquals(2, app.metrics().modelUpdateCount("swapped"));
            try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()))) {
                assertFalse(admin.listTopics().names().get().contains(prefix + "shadow-reports"),
                        "promotion.mode=direct (no candidate ever arrives): the shadow-reports topic is not created");
            }
        }
        assertEquals(n, results.size(), "exactly one result per event");
        assertEquals(n, results.stream().map(r -> r.value().getInputId()).distinct().count());

        Map<Integer, List<ConsumerRecord<byte[], ClassifiedEvent>>> byPartition = new TreeMap<>();
        results.forEach(r -> byPartition.computeIfAbsent(r.partition(), p -> new ArrayList<>()).add(r));
        long largestGap = 0;
        for (var partition : byPartition.values()) {
            List<String> versions = partition.stream().map(r -> r.value().getModelVersion()).toList();
            int switches = 0;
            for (int i = 1; i < versions.size(); i++) {
                if (!versions.get(i).equals(versions.get(i - 1))) {
                    switches++;
                    assertEquals("v1", versions.get(i - 1));
                    assertEquals("v2", versions.get(i));
                }
                long gap = partition.get(i).value().getClassifiedAt().toEpochMilli()
                        - partition.get(i - 1).value().getClassifiedAt().toEpochMilli();
                largestGap = Math.max(largestGap, gap);
            }
            assertTrue(switches <= 1, "versions switch once per partition and never go back: " + versions);
            assertEquals("v1", versions.get(0));
            assertEquals("v2", versions.get(versions.size() - 1), "each partition ends on v2");
        }
        System.out.printf("hot swap under load: largest gap between consecutive outputs of a partition: %d ms%n", largestGap);

        try (TriageStreamApp app = TriageStreamApp.start(config)) { // restart: the latest version on the topic serves
            assertEventually(app::isReady, Duration.ofSeconds(60), "the restarted app becomes ready");
            produce(prefix + "in", "b", 5, 0);
            try (KafkaConsumer<byte[], ClassifiedEvent> reader = KafkaClients.committedReader(kafka.bootstrapServers(),
                    prefix + "out", KafkaClients.avroDeserializer(registry.apiV2Url()))) {
                var after = KafkaClients.readUntil(reader, r -> r.size() >= n + 5, Duration.ofSeconds(60));
                List<String> versions = after.stream().filter(r -> r.value().getInputId().startsWith("b"))
                        .map(r -> r.value().getModelVersion()).toList();
                assertEquals(List.of("v2", "v2", "v2", "v2", "v2"), versions);
            }
        }
    }

    @Test
    void badUpdatesAreRejectedReportedAndCountedWhileTheOldModelKeepsServing() throws Exception {
        String prefix = "hs2.";
        publish(prefix + "updates", update(v1)); // before start: the app starts on it
        Path corrupt = models.resolve("v2-corrupt");
        try (Stream<Path> files = Files.list(v2.dir())) {
            Files.createDirectories(corrupt);
            for (Path f : files.toList()) {
                Files.copy(f, corrupt.resolve(f.getFileName()));
            }
        }
        try (FileChannel weights = FileChannel.open(corrupt.resolve("model.safetensors"), StandardOpenOption.WRITE)) {
            weights.truncate(weights.size() / 2);
        }
        Artifact broken = new Artifact("v2-corrupt", corrupt, ModelArtifact.sha256(corrupt)); // the hash matches: the weights don't

        StreamAppSettings config = StreamAppSettings.of(settings(prefix));
        try (TriageStreamApp app = TriageStreamApp.start(config)) {
            assertEventually(app::isReady, Duration.ofSeconds(60), "the app becomes ready");
            publish(prefix + "updates", update(v2, v2.dir().toUri().toString(), "0".repeat(64), LABELS));
            publish(prefix + "updates", update(broken));
            publish(prefix + "updates", update(v2, v2.dir().toUri().toString(), v2.sha256(), List.of("neg", "neu", "pos")));
            publish(prefix + "updates", update(v2, models.resolve("missing").toUri().toString(), v2.sha256(), LABELS));
            List<ConsumerRecord<byte[], DeadLetter>> letters;
            try (KafkaConsumer<byte[], DeadLetter> reader = KafkaClients.committedReader(kafka.bootstrapServers(),
                    prefix + "dlq", KafkaClients.avroDeserializer(registry.apiV2Url()))) {
                letters = KafkaClients.readUntil(reader, r -> r.size() >= 4, Duration.ofSeconds(120));
            }
            List<String> reasons = letters.stream().map(l -> l.value().getMessage().split(":")[0]).toList();
            assertEquals(List.of("HASH_MISMATCH", "LOAD_FAILED", "INCOMPATIBLE_LABELS", "FETCH_FAILED"), reasons);
            letters.forEach(l -> assertEquals("MODEL_UPDATE", l.value().getStage().name()));
            assertEquals(1, app.metrics().modelUpdateCount("HASH_MISMATCH"));
            assertEquals(1, app.metrics().modelUpdateCount("LOAD_FAILED"));
            assertEquals(1, app.metrics().modelUpdateCount("INCOMPATIBLE_LABELS"));
            assertEquals(1, app.metrics().modelUpdateCount("FETCH_FAILED"));

            produce(prefix + "in", "c", 10, 0);
            try (KafkaConsumer<byte[], ClassifiedEvent> reader = KafkaClients.committedReader(kafka.bootstrapServers(),
                    prefix + "out", KafkaClients.avroDeserializer(registry.apiV2Url()))) {
                var results = KafkaClients.readUntil(reader, r -> r.size() >= 10, Duration.ofSeconds(60));
                assertEquals(10, results.size());
                results.forEach(r -> assertEquals("v1", r.value().getModelVersion(), "v1 keeps serving"));
            }
        }
    }

    /** Sends events, one every {@code pauseMs}, until {@code stop} is set; counts them in {@code sent}. */
    private static void produceUntil(String topic, String idPrefix, long pauseMs, AtomicBoolean stop, AtomicInteger sent) {
        try (KafkaProducer<byte[], TextEvent> producer = KafkaClients.producer(kafka.bootstrapServers(),
                KafkaClients.avroSerializer(registry.apiV2Url()))) {
            for (int i = 0; !stop.get(); i++) {
                TextEvent e = TextEvent.newBuilder().setId(idPrefix + i).setText("steady load text number " + i)
                        .setEventTime(Instant.now()).setAttributes(Map.of()).build();
                producer.send(new ProducerRecord<>(topic, ("k" + (i % 5)).getBytes(StandardCharsets.UTF_8), e));
                sent.incrementAndGet();
                Thread.sleep(pauseMs);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sends {@code n} events, one every {@code pauseMs}. */
    private static void produce(String topic, String idPrefix, int n, long pauseMs) {
        try (KafkaProducer<byte[], TextEvent> producer = KafkaClients.producer(kafka.bootstrapServers(),
                KafkaClients.avroSerializer(registry.apiV2Url()))) {
            for (int i = 0; i < n; i++) {
                TextEvent e = TextEvent.newBuilder().setId(idPrefix + i).setText("steady load text number " + i)
                        .setEventTime(Instant.now()).setAttributes(Map.of()).build();
                producer.send(new ProducerRecord<>(topic, ("k" + (i % 5)).getBytes(StandardCharsets.UTF_8), e));
                if (pauseMs > 0) {
                    Thread.sleep(pauseMs);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
