package io.triage.stream;

import io.triage.embedded.SharedInfrastructure;
import io.triage.service.KafkaClients;
import io.triage.embedded.EmbeddedKafka;
import io.triage.embedded.EmbeddedRegistry;
import io.triage.schemas.ClassifiedEvent;
import io.triage.schemas.TextEvent;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static io.triage.stream.config.StreamAppSettings.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The stream app in a child JVM is killed with SIGKILL mid-stream, several times, and restarted; a
 * read_committed reader must then see every input exactly once. Events are produced while the app crashes, so
 * kills land with events in the micro-batch buffer, in an open transaction and in the middle of a model call.
 */
class CrashRecoveryTest {
    private static final int EVENTS = 1500;
    private static final int KILLS = 4;
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
    void sigkillNeitherLosesNorDuplicatesAnEvent() throws Exception {
        Path config = dir.resolve("app.properties");
        Properties p = new Properties();
        p.putAll(KafkaFixture.appSettings(kafka.bootstrapServers(), registry.apiV2Url(), "crash-test"));
        p.putAll(Map.of(TOPIC_INPUT, "crash.in", TOPIC_OUTPUT, "crash.out", TOPIC_DEAD_LETTER, "crash.dlq",
                TOPIC_PARTITIONS, "2", MODEL_LABELS, "a,b", BATCH_MAX_SIZE, "16", HTTP_PORT, "-1"));
        // the state dir keeps the process id, so a restart reuses the transactional id and fences the dead
        // incarnation's open transaction at once; a short session lets the group notice the dead member quickly
        p.putAll(Map.of("kafka.state.dir", dir.resolve("state").toString(),
                "kafka.session.timeout.ms", "6000", "kafka.heartbeat.interval.ms", "1000"));
        try (var out = Files.newBufferedWriter(config)) {
            p.store(out, "crash test");
        }
        kafka.createTopic("crash.in", 2);

        Random random = new Random(42);
        Thread producer = new Thread(() -> produce(EVENTS), "test-producer");
        producer.start();

        List<ConsumerRecord<byte[], ClassifiedEvent>> seen = new ArrayList<>();
        try (KafkaConsumer<byte[], ClassifiedEvent> reader = KafkaClients.committedReader(kafka.bootstrapServers(),
                "crash.out", KafkaClients.avroDeserializer(registry.apiV2Url()))) {
            for (int kill = 0; kill < KILLS; kill++) {
                Process app = startApp(config, kill);
                try {
                    int before = seen.size();
                    // wait until this incarnation has committed some results, then kill it at a random moment
                    KafkaClients.readUntil(reader, r -> r.size() > before, Duration.ofSeconds(90), seen);
                    assertTrue(seen.size() > before, "incarnation " + kill + " produced nothing; see " + log(kill));
                    Thread.sleep(200 + random.nextInt(1500));
                } finally {
                    app.destroyForcibly(); // SIGKILL: no shutdown hook, no flush, no commit
                    app.waitFor(30, TimeUnit.SECONDS);
                }
            }
            producer.join();
            Process last = startApp(config, KILLS);
            try {
                KafkaClients.readUntil(reader, r -> r.size() >= EVENTS, Duration.ofSeconds(180), seen);
                KafkaClients.readUntil(reader, r -> false, Duration.ofSeconds(3), seen); // duplicates would show now
            } finally {
                last.destroy();
                last.waitFor(30, TimeUnit.SECONDS);
            }
        }

        Map<String, Integer> counts = new TreeMap<>();
        seen.forEach(r -> counts.merge(r.value().getInputId(), 1, Integer::sum));
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            if (!counts.containsKey("e" + i)) {
                missing.add("e" + i);
            }
        }
        Map<String, Integer> duplicated = new HashMap<>();
        counts.forEach((id, c) -> {
            if (c > 1) {
                duplicated.put(id, c);
            }
        });
        assertEquals(List.of(), missing, "lost events");
        assertEquals(Map.of(), duplicated, "duplicated events");
        assertEquals(EVENTS, seen.size());
    }

    private void produce(int n) {
        try (KafkaProducer<byte[], TextEvent> producer = KafkaClients.producer(kafka.bootstrapServers(),
                KafkaClients.avroSerializer(registry.apiV2Url()))) {
            for (int i = 0; i < n; i++) {
                TextEvent e = TextEvent.newBuilder().setId("e" + i).setText("crash test event " + i)
                        .setEventTime(Instant.now()).setAttributes(Map.of()).build();
                producer.send(new ProducerRecord<>("crash.in", ("k" + (i % 11)).getBytes(StandardCharsets.UTF_8), e));
                if (i % 50 == 49) {
                    Thread.sleep(100); // spread the input over the kills
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Process startApp(Path config, int incarnation) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Dai.djl.offline=true", "-Xmx2g",
                "-cp", System.getProperty("java.class.path"), TriageStreamApp.class.getName(), "--config", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(log(incarnation).toFile())
                .start();
    }

    private Path log(int incarnation) {
        return dir.resolve("app-" + incarnation + ".log");
    }
}
