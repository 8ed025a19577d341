package io.triage.console;

import io.triage.embedded.EmbeddedKafka;
import io.triage.embedded.EmbeddedRegistry;
import io.triage.embedded.SharedInfrastructure;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.triage.schemas.ClassifiedEvent;
import io.triage.schemas.DeadLetter;
import io.triage.schemas.FailureStage;
import io.triage.schemas.LabeledExample;
import io.triage.schemas.ModelUpdate;
import io.triage.schemas.Timings;
import io.triage.schemas.TrainingMode;
import io.triage.schemas.ReviewItem;
import io.triage.schemas.ReviewReason;
import io.triage.service.BearerToken;
import io.triage.service.KafkaClients;
import io.triage.service.OpsServer;
import io.triage.service.trust.SigningKeys;
import io.triage.service.trust.UpdateSigner;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A console on the real embedded broker and registry, on topics of its own; review items put on its review topic as
 * the stream app writes them, and the feedback read back as the trainer would.
 */
final class ConsoleFixture implements AutoCloseable {
    static final String TOKEN = "correct horse battery";
    static final String TRAINER_TOKEN = "the trainer's own token";

    final Map<String, String> settings = new HashMap<>();
    private final EmbeddedKafka kafka = SharedInfrastructure.kafka();
    private final EmbeddedRegistry registry = SharedInfrastructure.registry();
    /** Review items, results, dead letters and model updates, each serialized with its own schema. */
    private final KafkaProducer<byte[], SpecificRecord> records;
    private final KafkaConsumer<byte[], LabeledExample> feedback;
    private final UpdateSigner signer = new UpdateSigner(SigningKeys.generate().getPrivate());
    /**
     * The trainer's side: its real ops server, with a retrain action that only counts and a rollback action that, like
     * the trainer's, signs a version published before anew and sends it to the update topic.
     */
    private final OpsServer trainer;
    final AtomicInteger retrains = new AtomicInteger();
    /** A stream app's ops port as far as the Models page looks: a real ops server whose metrics say it serves v2. */
    private final OpsServer streamApp;
    /** A hostile instance: a real HTTP server whose metrics name a version made of markup. */
    private final com.sun.net.httpserver.HttpServer hostile;
    static final String HOSTILE_VERSION = "<img src=x onerror=\"window.pwned=true\">";
    final List<String> rollbacks = new CopyOnWriteArrayList<>();
    private final Map<String, ModelUpdate> published = new ConcurrentHashMap<>();
    private TriageConsole console;
    /** The model store explanations may load from ({@code model.artifact.allowed.uris}), under target/. */
    static final Path STORE = Path.of("target", "explain-store").toAbsolutePath();
    private static Path minilm;
    private static String minilmSha256;

    ConsoleFixture(String name) {
        String prefix = name + "-" + System.nanoTime();
        settings.put(ConsoleSettings.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        settings.put(ConsoleSettings.REGISTRY_URL, registry.apiV2Url());
        settings.put(ConsoleSettings.TOKEN, TOKEN);
        settings.put(ConsoleSettings.REVIEW_TOPIC, prefix + ".review");
        settings.put(ConsoleSettings.FEEDBACK_TOPIC, prefix + ".feedback");
        settings.put(ConsoleSettings.STATE_TOPIC, prefix + ".state");
        settings.put(ConsoleSettings.TRANSACTIONAL_ID, prefix + "-console");
        settings.put(ConsoleSettings.HTTP_PORT, "0");
        settings.put(ConsoleSettings.HTTP_BIND_ADDRESS, "127.0.0.1");
        settings.put(ConsoleSettings.TOPIC_MODEL_UPDATES, prefix + ".updates");
        settings.put(ConsoleSettings.RESULTS_TOPIC, prefix + ".classified");
        settings.put(ConsoleSettings.TOPIC_DEAD_LETTER, prefix + ".dlq");
        settings.put(ConsoleSettings.UPDATE_TRUSTED_KEYS, SigningKeys.inline(signer.publicKey()));
        try {
            trainer = new OpsServer("127.0.0.1", 0, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), () -> true,
                    () -> true).onPost("/retrain", BearerToken.of(TRAINER_TOKEN), () -> {
                        retrains.incrementAndGet();
                        return "retrain requested";
                    }).onPostWithQuery("/rollback", BearerToken.of(TRAINER_TOKEN),
                            query -> rollBack(query.get("version")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        settings.put(ConsoleSettings.TRAINER_URL, "http://127.0.0.1:" + trainer.port());
        streamApp = servingStreamApp("triage", "v2");
        hostile = hostileStreamApp();
        // the trainer's ops port too: an instance whose metrics name no serving version
        settings.put(ConsoleSettings.STREAM_APPS, "http://127.0.0.1:" + streamApp.port() + ",http://127.0.0.1:"
                + trainer.port() + ",http://127.0.0.1:" + hostile.getAddress().getPort());
        settings.put(ConsoleSettings.TRAINER_TOKEN, TRAINER_TOKEN);
        settings.put(ConsoleSettings.ARTIFACT_ALLOWED_URIS, STORE.toString());
        settings.put(ConsoleSettings.EXPLAIN_TIMEOUT_MS, "300000"); // loading a version takes long on a busy test machine
        kafka.createTopic(prefix + ".review", 2);
        kafka.createTopic(prefix + ".feedback", 1);
        records = KafkaClients.producer(kafka.bootstrapServers(), KafkaClients.avroSerializer(registry.apiV2Url()));
        feedback = KafkaClients.committedReader(kafka.bootstrapServers(), prefix + ".feedback",
                KafkaClients.avroDeserializer(registry.apiV2Url()));
    }

    /** A real ops server with the serving gauge as the stream app registers it ({@code triage.model.serving}). */
    static OpsServer servingStreamApp(String model, String version) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        io.micrometer.core.instrument.Gauge.builder("triage.model.serving", () -> 1).tag("model", model)
                .tag("version", version).register(registry);
        try {
            return new OpsServer("127.0.0.1", 0, registry, () -> true, () -> true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static com.sun.net.httpserver.HttpServer hostileStreamApp() {
        return httpServer(200, "triage_model_serving{model=\"triage\",version=\""
                + HOSTILE_VERSION.replace("\"", "\\\"") + "\"} 1.0\n");
    }

    /** A real HTTP server (the JDK's) answering every path with {@code status} and {@code body}. */
    static com.sun.net.httpserver.HttpServer httpServer(int status, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        try {
            var server = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", exchange -> {
                exchange.sendResponseHeaders(status, bytes.length);
                try (var out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    TriageConsole start() throws Exception {
        console = TriageConsole.start(ConsoleSettings.of(settings));
        return console;
    }

    /** Stops the console as a restart would, and starts a new one on the same topics and transactional id. */
    TriageConsole restart() throws Exception {
        console.close();
        return start();
    }

    String url() {
        return "http://127.0.0.1:" + console.port();
    }

    /** An event the stream app found uncertain: two labels, {@code a} scored {@code scoreA}. */
    void review(String id, String text, float scoreA) throws Exception {
        float scoreB = 1 - scoreA;
        ReviewItem item = ReviewItem.newBuilder().setEventId(id).setText(text).setLabel(scoreA >= scoreB ? "a" : "b")
                .setScore(Math.max(scoreA, scoreB)).setMargin(Math.abs(scoreA - scoreB))
                .setScores(Map.of("a", scoreA, "b", scoreB)).setReasons(List.of(ReviewReason.SMALL_MARGIN))
                .setModelName("triage").setModelVersion("v3").setEventTime(Instant.ofEpochMilli(1_700_000_000_000L))
                .setClassifiedAt(Instant.ofEpochMilli(1_700_000_000_100L)).build();
        send(ConsoleSettings.REVIEW_TOPIC, id, item);
    }

    /** A version as the trainer publishes it, signed, its artifact (only a report here) in {@code folder}. */
    void publish(String version, String parent, float accuracy, Path folder) throws Exception {
        publish(version, parent, accuracy, folder, "0".repeat(64));
    }

    /**
     * {@code version} published with a real artifact: the bundled all-MiniLM-L6-v2 with labels {@code a} and
     * {@code b} (its head untrained), saved into {@link #STORE} once per test run.
     */
    void publishModel(String version) throws Exception {
        publish(version, null, 0.5f, minilmArtifact(), minilmSha256);
    }

    private static synchronized Path minilmArtifact() throws IOException {
        if (minilm == null) {
            Path folder = STORE.resolve("minilm-ab");
            if (!java.nio.file.Files.isDirectory(folder)) { // saved by an earlier run: saving renames atomically
                try (io.triage.model.ClassifierModel model = io.triage.model.io.ModelLoader.loadBundled(
                        io.triage.model.config.ModelOverrides.NONE.withLabels(List.of("a", "b")), ai.djl.Device.cpu())) {
                    io.triage.model.io.ModelArtifact.save(model, folder, null);
                }
            }
            minilmSha256 = io.triage.model.io.ModelArtifact.sha256(folder);
            minilm = folder;
        }
        return minilm;
    }

    /** A version whose artifact folder holds {@code sha256}'s files, published signed. */
    void publish(String version, String parent, float accuracy, Path folder, String sha256) throws Exception {
        ModelUpdate update = ModelUpdate.newBuilder().setModelName("triage").setVersion(version)
                .setArtifactUri(folder.toUri().toString()).setSha256(sha256).setLabels(List.of("a", "b"))
                .setMetrics(Map.of("accuracy", (double) accuracy, "macro_f1", accuracy - 0.05)).setParentVersion(parent)
                .setTrainingMode(TrainingMode.HEAD).setCreatedAt(Instant.ofEpochMilli(1_700_000_000_000L)).build();
        published.put(version, update);
        send(ConsoleSettings.TOPIC_MODEL_UPDATES, "triage", signer.sign(update));
    }

    private OpsServer.Answer rollBack(String version) {
        rollbacks.add(String.valueOf(version));
        ModelUpdate update = version == null ? null : published.get(version);
        if (update == null) {
            return new OpsServer.Answer(404, version + " was never announced");
        }
        try {
            send(ConsoleSettings.TOPIC_MODEL_UPDATES, "triage", signer.sign(update));
        } catch (Exception e) {
            return new OpsServer.Answer(503, "publishing failed: " + e);
        }
        return new OpsServer.Answer(202, "rolled back to " + version);
    }

    /** A labeled example on the feedback topic, as any source sends it. */
    void labeled(String id, String text, String label) throws Exception {
        send(ConsoleSettings.FEEDBACK_TOPIC, id, LabeledExample.newBuilder().setId(id).setText(text).setLabel(label)
                .setSource("import").build());
    }

    /** A result of {@code version} classified now, as the stream app writes it. */
    void result(String id, String version, String label, float score, long queueMs, long modelMs) throws Exception {
        Instant now = Instant.ofEpochMilli(System.currentTimeMillis());
        send(ConsoleSettings.RESULTS_TOPIC, id, ClassifiedEvent.newBuilder().setInputId(id).setLabel(label)
                .setScore(score).setScores(Map.of(label, score)).setModelName("triage").setModelVersion(version)
                .setEventTime(now).setClassifiedAt(now).setTimings(new Timings(queueMs, modelMs, 1)).build());
    }

    void deadLetter(byte[] value, String message) throws Exception {
        send(ConsoleSettings.TOPIC_DEAD_LETTER, "bad", DeadLetter.newBuilder().setOriginalValue(ByteBuffer.wrap(value))
                .setSourceTopic("in").setSourcePartition(0).setSourceOffset(7).setStage(FailureStage.DESERIALIZE)
                .setErrorType("x").setMessage(message).setFailedAt(Instant.ofEpochMilli(System.currentTimeMillis()))
                .build());
    }

    private void send(String topicSetting, String key, SpecificRecord value) throws Exception {
        records.send(new ProducerRecord<>(settings.get(topicSetting), key.getBytes(StandardCharsets.UTF_8), value)).get();
    }

    /** Reads the feedback topic until {@code n} labels have come, at most 30 s. */
    List<LabeledExample> feedback(int n, List<LabeledExample> into) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (into.size() < n && System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], LabeledExample> r : feedback.poll(Duration.ofMillis(200))) {
                into.add(r.value());
            }
        }
        return into;
    }

    /** Waits until the console has read every item put on its review topic so far. */
    void awaitReady() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(url() + "/ready")).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the console did not get ready");
    }

    @Override
    public void close() throws Exception {
        if (console != null) {
            console.close();
        }
        records.close();
        feedback.close();
        trainer.close();
        streamApp.close();
        hostile.stop(0);
    }
}
