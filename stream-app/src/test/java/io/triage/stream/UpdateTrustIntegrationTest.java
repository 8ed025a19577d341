package io.triage.stream;

import io.triage.embedded.EmbeddedKafka;
import io.triage.embedded.EmbeddedRegistry;
import io.triage.embedded.SharedInfrastructure;
import io.triage.model.io.ModelArtifact;
import io.triage.schemas.ClassifiedEvent;
import io.triage.schemas.DeadLetter;
import io.triage.schemas.ModelUpdate;
import io.triage.schemas.TextEvent;
import io.triage.service.AvroLimits;
import io.triage.service.KafkaClients;
import io.triage.service.trust.SigningKeys;
import io.triage.service.trust.UpdateSigner;
import io.triage.stream.config.StreamAppSettings;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.triage.stream.TestArtifacts.Artifact;

import static io.triage.stream.StreamAppIntegrationTest.assertEventually;
import static io.triage.stream.config.StreamAppSettings.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The update topic tried as an attacker would, on the real broker and registry: forged, tampered and replayed
 * updates, artifact URIs that leave the store, and records built to crash a reader. Each is refused with its reason
 * while the old model keeps serving; none stops the app, loads a model or deletes a file.
 */
class UpdateTrustIntegrationTest {
    private static final List<String> LABELS = List.of("neg", "pos");
    private static EmbeddedKafka kafka;
    private static EmbeddedRegistry registry;

    @TempDir
    static Path models;
    @TempDir
    static Path elsewhere;
    @TempDir
    Path stateDir;

    private static Artifact v1;
    private static Artifact v2;

    @BeforeAll
    static void infrastructureAndModels() throws IOException {
        kafka = SharedInfrastructure.kafka();
        registry = SharedInfrastructure.registry();
        v1 = TestArtifacts.save(models, "v1", LABELS);
        v2 = TestArtifacts.save(models, "v2", LABELS);
    }

    private Map<String, String> settings(String prefix) {
        Map<String, String> s = new HashMap<>(KafkaFixture.appSettings(kafka.bootstrapServers(), registry.apiV2Url(), prefix + "app"));
        s.putAll(Map.of(TOPIC_INPUT, prefix + "in", TOPIC_OUTPUT, prefix + "out", TOPIC_DEAD_LETTER, prefix + "dlq",
                TOPIC_MODEL_UPDATES, prefix + "updates", MODEL_LABELS, String.join(",", LABELS),
                HTTP_PORT, "-1", "kafka.state.dir", stateDir.toString(), ARTIFACT_ALLOWED_URIS, models.toString(),
                MODEL_DOWNLOAD_DIR, models.resolve("downloads").toString()));
        return s;
    }

    private static ModelUpdate update(String version, String uri, String sha256) {
        return TestArtifacts.update(version, uri, sha256, LABELS);
    }

    private static ModelUpdate signed(Artifact a) {
        return KafkaFixture.TRAINER.sign(update(a.version(), a.dir().toUri().toString(), a.sha256()));
    }

    /** The record's bytes as the registry's serializer writes them (Confluent wire format). */
    private static byte[] bytes(String topic, ModelUpdate update) {
        try (Serializer<ModelUpdate> serializer = KafkaClients.avroSerializer(registry.apiV2Url())) {
            return serializer.serialize(topic, update);
        }
    }

    private static void send(String topic, byte[]... values) {
        try (KafkaProducer<byte[], byte[]> p = KafkaClients.rawProducer(kafka.bootstrapServers())) {
            for (byte[] v : values) {
                p.send(new ProducerRecord<>(topic, "triage".getBytes(StandardCharsets.UTF_8), v));
            }
        }
    }

    private static List<String> deadLetterReasons(String topic, int n) {
        try (KafkaConsumer<byte[], DeadLetter> reader = KafkaClients.committedReader(kafka.bootstrapServers(), topic,
                KafkaClients.avroDeserializer(registry.apiV2Url()))) {
            return KafkaClients.readUntil(reader, r -> r.size() >= n, Duration.ofSeconds(120)).stream()
                    .peek(l -> assertEquals("MODEL_UPDATE", l.value().getStage().name()))
                    .map(l -> l.value().getMessage().split(":")[0]).toList();
        }
    }

    /** Sends {@code n} events and expects each classified once, by {@code version}. */
    private static void assertResultsFrom(String prefix, String idPrefix, int n, String version) {
        try (KafkaProducer<byte[], TextEvent> producer = KafkaClients.producer(kafka.bootstrapServers(),
                KafkaClients.avroSerializer(registry.apiV2Url()))) {
            for (int i = 0; i < n; i++) {
                producer.send(new ProducerRecord<>(prefix + "in", ("k" + i).getBytes(StandardCharsets.UTF_8),
                        TextEvent.newBuilder().setId(idPrefix + i).setText("a text to classify " + i)
                                .setEventTime(Instant.now()).setAttributes(Map.of()).build()));
            }
        }
        try (KafkaConsumer<byte[], ClassifiedEvent> reader = KafkaClients.committedReader(kafka.bootstrapServers(),
                prefix + "out", KafkaClients.avroDeserializer(registry.apiV2Url()))) {
            List<ConsumerRecord<byte[], ClassifiedEvent>> results = KafkaClients.readUntil(reader,
                    r -> r.stream().filter(x -> x.value().getInputId().startsWith(idPrefix)).count() >= n,
                    Duration.ofSeconds(120)).stream().filter(x -> x.value().getInputId().startsWith(idPrefix)).toList();
            assertEquals(n, results.size(), "every event has its result");
            results.forEach(r -> assertEquals(version, r.value().getModelVersion(), "the old model keeps serving"));
        }
    }

    @Test
    void forgedTamperedAndReplayedUpdatesAreRejectedWhileTheTrustedVersionKeepsServing() throws Exception {
        String prefix = "trust1.";
        String topic = prefix + "updates";
        byte[] genuineV1 = bytes(topic, signed(v1));
        send(topic, genuineV1); // the app starts on v1
        try (TriageStreamApp app = TriageStreamApp.start(StreamAppSettings.of(settings(prefix)))) {
            assertEventually(app::isReady, Duration.ofSeconds(60), "the app becomes ready");
            send(topic, bytes(topic, signed(v2)));
            assertEventually(() -> app.metrics().modelUpdateCount("swapped") == 2, Duration.ofSeconds(120), "v2 serves");

            String v1Uri = v1.dir().toUri().toString();
            ModelUpdate unsigned = update("v3", v1Uri, v1.sha256());
            ModelUpdate otherKey = new UpdateSigner(SigningKeys.generate().getPrivate()).sign(update("v4", v1Uri, v1.sha256()));
            ModelUpdate tampered = KafkaFixture.TRAINER.sign(update("v5", v2.dir().toUri().toString(), v2.sha256()));
            tampered.setArtifactUri(v1Uri); // a genuine signature, another artifact
            tampered.setSha256(v1.sha256());
            send(topic, bytes(topic, unsigned), bytes(topic, otherKey), bytes(topic, tampered),
                    genuineV1); // the old genuine record again: a rollback nobody asked for

            assertEquals(List.of("UNSIGNED", "UNTRUSTED_KEY", "BAD_SIGNATURE", "REPLAYED"), deadLetterReasons(prefix + "dlq", 4));
            for (String reason : List.of("UNSIGNED", "UNTRUSTED_KEY", "BAD_SIGNATURE", "REPLAYED")) {
                assertEquals(1, app.metrics().modelUpdateCount(reason), reason);
            }
            assertEquals(2, app.metrics().modelUpdateCount("swapped"), "no forged update was loaded");
            assertResultsFrom(prefix, "e", 10, "v2");
            assertTrue(app.isReady());
        }
    }

    @Test
    void uriOutsideTheStoreOrThroughALinkNeitherLoadsNorDeletesAnything() throws Exception {
        String prefix = "trust2.";
        String topic = prefix + "updates";
        Path outside = copy(v2.dir(), elsewhere.resolve("outside-v2"));
        Path victim = copy(v2.dir(), models.resolve("victim"));
        Path link = Files.createSymbolicLink(models.resolve("link"), outside);
        Path withLinkedFile = copy(v2.dir(), models.resolve("linked-file"));
        Files.delete(withLinkedFile.resolve("model.safetensors"));
        Files.createSymbolicLink(withLinkedFile.resolve("model.safetensors"), outside.resolve("model.safetensors"));

        send(topic, bytes(topic, signed(v1)));
        try (TriageStreamApp app = TriageStreamApp.start(StreamAppSettings.of(settings(prefix)))) {
            assertEventually(app::isReady, Duration.ofSeconds(60), "the app becomes ready");
            String dotDot = "file://" + models + "/../" + elsewhere.getFileName() + "/outside-v2";
            String downloadDotDot = "file://" + models + "/downloads/../victim";
            send(topic,
                    bytes(topic, KafkaFixture.TRAINER.sign(update("v3", dotDot, v2.sha256()))),
                    bytes(topic, KafkaFixture.TRAINER.sign(update("v4", downloadDotDot, "0".repeat(64)))),
                    bytes(topic, KafkaFixture.TRAINER.sign(update("v5", link.toUri().toString(), v2.sha256()))),
                    bytes(topic, KafkaFixture.TRAINER.sign(update("v6", withLinkedFile.toUri().toString(), v2.sha256()))),
                    bytes(topic, KafkaFixture.TRAINER.sign(update("v7", "http://127.0.0.1:1/models/v2/", v2.sha256()))));

            assertEquals(List.of("URI_NOT_ALLOWED", "HASH_MISMATCH", "URI_NOT_ALLOWED", "FETCH_FAILED", "URI_NOT_ALLOWED"),
                    deadLetterReasons(prefix + "dlq", 5));
            assertEquals(1, app.metrics().modelUpdateCount("swapped"), "nothing but v1 was loaded");
            for (Path kept : List.of(outside, victim, withLinkedFile)) {
                assertTrue(Files.isRegularFile(kept.resolve("model.safetensors"), java.nio.file.LinkOption.NOFOLLOW_LINKS)
                        || Files.isSymbolicLink(kept.resolve("model.safetensors")), kept + " is untouched");
                assertTrue(Files.isRegularFile(kept.resolve("config.json")), kept + " is untouched");
            }
            assertTrue(Files.isSymbolicLink(link));
            assertEquals(v2.sha256(), ModelArtifact.sha256(outside), "the folder outside is as it was");
            assertEquals(v2.sha256(), ModelArtifact.sha256(victim), "the folder the update tried to delete is as it was");
            assertResultsFrom(prefix, "p", 5, "v1");
        }
    }

    @Test
    void recordsBuiltToCrashAReaderLeaveTheAppRunningOnTheNewestValidVersion() throws Exception {
        String prefix = "trust3.";
        String topic = prefix + "updates";
        Path unreadable = unreadableArtifact();
        try {
            byte[] oversized = oversizedLabels(topic);
            // the newest records of the history are the hostile ones: start-up must still serve v1
            send(topic, bytes(topic, signed(v1)),
                    bytes(topic, KafkaFixture.TRAINER.sign(update("v9", unreadable.toUri().toString(), v2.sha256()))),
                    oversized);
            Map<String, String> settings = settings(prefix);
            settings.put(ARTIFACT_ALLOWED_URIS, models + "," + unreadable.getParent());
            try (TriageStreamApp app = TriageStreamApp.start(StreamAppSettings.of(settings))) {
                assertTrue(AvroLimits.inForce(), "Avro's collection limit is in force");
                assertEventually(app::isReady, Duration.ofSeconds(60), "the app starts although the newest records are hostile");
                assertEquals(1, app.metrics().modelUpdateCount("swapped"), "v1, the newest valid version, serves");
                assertEquals(1, app.metrics().modelUpdateCount("UNDECODABLE"));
                assertEquals(1, app.metrics().modelUpdateCount("FETCH_FAILED"));

                send(topic, oversized,
                        bytes(topic, KafkaFixture.TRAINER.sign(update("v10", unreadable.toUri().toString(), v2.sha256()))));
                assertEquals(List.of("UNDECODABLE", "FETCH_FAILED"), deadLetterReasons(prefix + "dlq", 2));
                assertTrue(app.isReady(), "still ready");
                assertResultsFrom(prefix, "c", 5, "v1");
            }
        } finally {
            new ProcessBuilder("rm", "-rf", unreadable.getParent().toString()).start().waitFor();
        }
    }

    private static Path copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
        return to;
    }

    /**
     * An artifact folder with a sub-folder nobody can open: nested deeper than the OS's path limit (a permission bit
     * would not stop root, who runs CI). Made with the shell, which can descend step by step; Java cannot.
     */
    private static Path unreadableArtifact() throws Exception {
        Path root = Files.createTempDirectory("triage-unreadable");
        Path artifact = copy(v2.dir(), root.resolve("artifact"));
        String name = "d".repeat(200);
        Process p = new ProcessBuilder("bash", "-c", "cd \"$1\" && for i in $(seq 1 25); do mkdir \"$2\" && cd \"$2\"; done",
                "deep", artifact.toString(), name).inheritIO().start();
        assertEquals(0, p.waitFor(), "the deep folder is made");
        return artifact;
    }

    /**
     * A ModelUpdate of a few bytes whose labels array claims 2,147,483,632 entries: without Avro's limits, decoding
     * it allocates an array of that size (an OutOfMemoryError).
     */
    private static byte[] oversizedLabels(String topic) {
        byte[] wire = bytes(topic, signed(v1));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(wire, 0, 5); // magic byte and the registered schema's id
        out.writeBytes(new byte[]{0, 0, 0, 0}); // model_name, version, artifact_uri, sha256: empty strings
        long zigzag = 2_147_483_632L << 1;
        while ((zigzag & ~0x7FL) != 0) {
            out.write((int) ((zigzag & 0x7F) | 0x80));
            zigzag >>>= 7;
        }
        out.write((int) zigzag);
        return out.toByteArray();
    }
}
