package io.triage.service;

import com.sun.net.httpserver.HttpServer;
import io.triage.embedded.EmbeddedKafka;
import io.triage.embedded.EmbeddedRegistry;
import io.triage.embedded.SharedInfrastructure;
import io.triage.schemas.ModelUpdate;
import io.triage.schemas.TrainingMode;
import io.triage.schemas.UpdateStage;
import io.triage.service.trust.SigningKeys;
import io.triage.service.trust.UpdateSigner;
import io.triage.service.trust.UpdateVerifier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

/** The update reader on the real broker and registry, with the registry made unreachable for a while. */
class ModelUpdateLogTest {
    private static final UpdateSigner TRAINER = new UpdateSigner(SigningKeys.generate().getPrivate());

    private static ModelUpdate update(String version) {
        return update(version, UpdateStage.SERVE);
    }

    private static ModelUpdate update(String version, UpdateStage stage) {
        return TRAINER.sign(ModelUpdate.newBuilder().setModelName("triage").setVersion(version).setStage(stage)
                .setArtifactUri("file:///store/triage/" + version + "/").setSha256("ab".repeat(32))
                .setLabels(List.of("neg", "pos")).setMetrics(Map.of()).setTrainingMode(TrainingMode.HEAD)
                .setCreatedAt(Instant.now()).build());
    }

    @Test
    void anUpdateReadWhileTheRegistryIsUnreachableIsReadAgainNotSkipped() throws Exception {
        EmbeddedKafka kafka = SharedInfrastructure.kafka();
        EmbeddedRegistry registry = SharedInfrastructure.registry();
        String topic = "mul1.updates";
        kafka.createTopic(topic, 1);
        try (KafkaProducer<byte[], ModelUpdate> p = KafkaClients.producer(kafka.bootstrapServers(),
                KafkaClients.avroSerializer(registry.apiV2Url()))) {
            p.send(new ProducerRecord<>(topic, "triage".getBytes(StandardCharsets.UTF_8), update("v1"))).get();
        }
        int port;
        try (var probe = new java.net.ServerSocket(0)) {
            port = probe.getLocalPort(); // nothing listens there yet: the registry is "down"
        }
        URI real = URI.create(registry.apiV2Url());
        String viaProxy = "http://127.0.0.1:" + port + real.getPath();
        try (ModelUpdateLog log = new ModelUpdateLog(Map.of("bootstrap.servers", kafka.bootstrapServers()),
                RegistrySettings.confluentWireFormat(viaProxy), topic, "triage",
                new UpdateVerifier(List.of(TRAINER.publicKey()), false))) {
            RuntimeException unreachable = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (unreachable == null && System.nanoTime() < deadline) {
                try {
                    assertEquals(List.of(), log.poll(Duration.ofMillis(500)), "an unreachable registry is not a bad record");
                } catch (RuntimeException e) {
                    unreachable = e;
                }
            }
            assertNotNull(unreachable, "the unreachable registry is reported to the caller");

            HttpServer proxy = forwardingProxy(port, real);
            try {
                List<ModelUpdateLog.Entry> read = new ArrayList<>();
                deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (read.isEmpty() && System.nanoTime() < deadline) {
                    read.addAll(log.poll(Duration.ofMillis(500)));
                }
                assertEquals(1, read.size(), "the record that failed is read again once the registry is back");
                assertNull(read.get(0).error());
                assertEquals("v1", read.get(0).update().getVersion());
                assertEquals("v1", log.latest().orElseThrow().getVersion());
            } finally {
                proxy.stop(0);
            }
        }
    }

    @Test
    void candidatesHaveAKeyOfTheirOwnAndNeverBecomeTheServingUpdate() throws Exception {
        EmbeddedKafka kafka = SharedInfrastructure.kafka();
        EmbeddedRegistry registry = SharedInfrastructure.registry();
        String topic = "mul2.updates";
        kafka.createTopic(topic, 2);
        ModelUpdate serving = update("v1");
        ModelUpdate candidate = update("v2", UpdateStage.CANDIDATE);
        try (KafkaProducer<byte[], ModelUpdate> p = KafkaClients.producer(kafka.bootstrapServers(),
                KafkaClients.avroSerializer(registry.apiV2Url()))) {
            // the candidate, signed later, on the partition read first: the serving update is no replay of it
            p.send(new ProducerRecord<>(topic, 0, key(ModelUpdateLog.candidateKey("triage")), candidate)).get();
            p.send(new ProducerRecord<>(topic, 1, key("triage"), serving)).get();
            p.send(new ProducerRecord<>(topic, 0, key("triage"), update("v3", UpdateStage.CANDIDATE))).get();
            p.send(new ProducerRecord<>(topic, 0, key(ModelUpdateLog.candidateKey("triage")), update("v4"))).get();
        }
        try (ModelUpdateLog log = new ModelUpdateLog(Map.of("bootstrap.servers", kafka.bootstrapServers()),
                RegistrySettings.confluentWireFormat(registry.apiV2Url()), topic, "triage",
                new UpdateVerifier(List.of(TRAINER.publicKey()), false))) {
            List<ModelUpdateLog.Entry> read = log.readToEnd();
            assertEquals(4, read.size(), read.toString());
            for (ModelUpdateLog.Entry e : read) {
                boolean wrong = e.record().offset() > 0;
                assertEquals(wrong, e.error() != null, e.toString());
                if (wrong) {
                    assertEquals(ModelUpdateRejected.Reason.WRONG_STAGE, e.error().reason(), e.toString());
                } else {
                    assertEquals(e.record().partition() == 0 ? "v2" : "v1", e.update().getVersion());
                }
            }
            assertEquals(List.of("v1"), log.acceptedNewestFirst().stream().map(ModelUpdate::getVersion).toList());
        }
    }

    /**
     * The trial in progress, as a restarted trainer finds it: the last candidate, until a tombstone under its key (a
     * rejection), its promotion or a later serving update ends it; serving updates sit on the partition read first.
     */
    @Test
    void theCandidateWithoutAVerdictIsPendingUntilRejectedPromotedOrOvertaken() throws Exception {
        EmbeddedKafka kafka = SharedInfrastructure.kafka();
        EmbeddedRegistry registry = SharedInfrastructure.registry();
        String topic = "mul3.updates";
        kafka.createTopic(topic, 2);
        byte[] candidateKey = key(ModelUpdateLog.candidateKey("triage"));
        try (KafkaProducer<byte[], ModelUpdate> p = KafkaClients.producer(kafka.bootstrapServers(),
                KafkaClients.avroSerializer(registry.apiV2Url()))) {
            p.send(new ProducerRecord<>(topic, 0, key("triage"), update("v1"))).get();
            p.send(new ProducerRecord<>(topic, 1, candidateKey, update("v2", UpdateStage.CANDIDATE))).get();
            assertEquals(Optional.of("v2"), pending(kafka, registry, topic), "v2's trial runs");
            p.send(new ProducerRecord<>(topic, 1, candidateKey, null)).get();
            assertEquals(Optional.empty(), pending(kafka, registry, topic), "v2 was rejected: a tombstone");
            try (ModelUpdateLog log = new ModelUpdateLog(Map.of("bootstrap.servers", kafka.bootstrapServers()),
                    RegistrySettings.confluentWireFormat(registry.apiV2Url()), topic, "triage",
                    new UpdateVerifier(List.of(TRAINER.publicKey()), false))) {
                assertEquals(1, log.readToEnd().stream().filter(ModelUpdateLog.Entry::withdrawnCandidate).count(),
                        "the tombstone is handed to readers: stream apps end the trial at once");
            }
            p.send(new ProducerRecord<>(topic, 1, candidateKey, update("v3", UpdateStage.CANDIDATE))).get();
            assertEquals(Optional.of("v3"), pending(kafka, registry, topic), "v3's trial runs");
            p.send(new ProducerRecord<>(topic, 0, key("triage"), update("v3"))).get();
            assertEquals(Optional.empty(), pending(kafka, registry, topic), "v3 was promoted");
            p.send(new ProducerRecord<>(topic, 1, candidateKey, update("v4", UpdateStage.CANDIDATE))).get();
            p.send(new ProducerRecord<>(topic, 0, key("triage"), update("v1"))).get();
            assertEquals(Optional.empty(), pending(kafka, registry, topic), "v1 published again ends v4's trial");
        }
    }

    private static Optional<String> pending(EmbeddedKafka kafka, EmbeddedRegistry registry, String topic) {
        try (ModelUpdateLog log = new ModelUpdateLog(Map.of("bootstrap.servers", kafka.bootstrapServers()),
                RegistrySettings.confluentWireFormat(registry.apiV2Url()), topic, "triage",
                new UpdateVerifier(List.of(TRAINER.publicKey()), false))) {
            return log.pendingCandidate().map(ModelUpdate::getVersion);
        }
    }

    private static byte[] key(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }

    /** Forwards every request to the real registry: the registry "coming back" on the port the reader uses. */
    private static HttpServer forwardingProxy(int port, URI registry) throws IOException {
        HttpClient client = HttpClient.newHttpClient();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/", ex -> {
            try (InputStream in = ex.getRequestBody(); OutputStream out = ex.getResponseBody()) {
                URI target = URI.create(registry.getScheme() + "://" + registry.getAuthority() + ex.getRequestURI());
                HttpRequest.Builder request = HttpRequest.newBuilder(target)
                        .method(ex.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(in.readAllBytes()));
                ex.getRequestHeaders().forEach((name, values) -> {
                    if (List.of("accept", "content-type").contains(name.toLowerCase())) {
                        values.forEach(v -> request.header(name, v));
                    }
                });
                HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
                response.headers().firstValue("content-type").ifPresent(v -> ex.getResponseHeaders().set("Content-Type", v));
                ex.sendResponseHeaders(response.statusCode(), response.body().length == 0 ? -1 : response.body().length);
                out.write(response.body());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.start();
        return server;
    }
}
