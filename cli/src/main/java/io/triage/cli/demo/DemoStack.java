package io.triage.cli.demo;

import io.triage.console.ConsoleSettings;
import io.triage.console.TriageConsole;
import io.triage.embedded.EmbeddedKafka;
import io.triage.embedded.EmbeddedRegistry;
import io.triage.schemas.ModelUpdate;
import io.triage.service.ModelUpdateLog;
import io.triage.service.trust.SigningKeys;
import io.triage.service.trust.UpdateVerifier;
import io.triage.service.RegistrySettings;
import io.triage.stream.TriageStreamApp;
import io.triage.stream.config.StreamAppSettings;
import io.triage.stream.ops.StreamMetrics;
import io.triage.trainer.service.TrainerSettings;
import io.triage.trainer.service.TriageTrainer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;

import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The demo's running system, all in this JVM but the registry: a KRaft broker, Apicurio Registry (a child JVM), the
 * stream app and the trainer service, on the apps' default topic names, with their state under one folder.
 * {@link #close()} stops them in reverse order, so each one still has what it needs while it stops.
 */
final class DemoStack implements AutoCloseable {
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(5);
    /** The demo runs on one machine: its ops endpoints need not be reachable from others. */
    private static final String LOCAL_ONLY = "127.0.0.1";

    private final List<AutoCloseable> started = new ArrayList<>();
    private EmbeddedKafka kafka;
    private EmbeddedRegistry registry;
    private TriageStreamApp app;
    private TriageTrainer trainer;
    private TriageConsole console;
    private String consoleToken;
    private StreamAppSettings appConfig;
    private TrainerSettings trainerConfig;
    private Admin admin;
    private ModelUpdateLog updates;

    private DemoStack() {}

    /**
     * Starts everything and waits until the stream app and the trainer are ready.
     *
     * @param stateDir  the streams state, the trainer's feedback snapshot and its model store go under it
     * @param kafkaPort the broker's port for clients; 0 picks a free one
     * @param progress  gets one line per component once it is up
     */
    static DemoStack start(Path stateDir, int kafkaPort, int registryPort, List<String> labels, Consumer<String> progress)
            throws Exception {
        DemoStack stack = new DemoStack();
        try {
            stack.startAll(stateDir, kafkaPort, registryPort, labels, progress);
            return stack;
        } catch (Exception | Error e) {
            stack.close();
            throw e;
        }
    }

    private void startAll(Path stateDir, int kafkaPort, int registryPort, List<String> labels, Consumer<String> progress)
            throws Exception {
        long t = System.nanoTime();
        kafka = started(EmbeddedKafka.start(kafkaPort));
        progress.accept(String.format(Locale.ROOT, "Kafka broker (KRaft, in-process) at %s  %s", kafka.bootstrapServers(), since(t)));
        t = System.nanoTime();
        registry = started(EmbeddedRegistry.start(registryPort));
        progress.accept(String.format(Locale.ROOT, "Apicurio Registry (child JVM) at %s  %s", registry.apiV2Url(), since(t)));
        admin = started(Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers())));

        String labelList = String.join(",", labels);
        KeyPair updateKeys = SigningKeys.generate(); // the demo's own: only its trainer can change what the app serves
        Path models = stateDir.resolve("models");
        String retrainToken = randomToken(); // the demo starts runs in-process; the token is for a curious user
        Map<String, String> appSettings = new HashMap<>(Map.of(
                StreamAppSettings.UPDATE_TRUSTED_KEYS, SigningKeys.inline(updateKeys.getPublic()),
                StreamAppSettings.ARTIFACT_ALLOWED_URIS, models.toString(),
                StreamAppSettings.BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
                StreamAppSettings.REGISTRY_URL, registry.apiV2Url(),
                StreamAppSettings.MODEL_LABELS, labelList,
                StreamAppSettings.HTTP_PORT, "0",
                StreamAppSettings.HTTP_BIND_ADDRESS, LOCAL_ONLY,
                "kafka.state.dir", stateDir.resolve("streams").toString(),
                // beyond the unsure results, a fifth at random: the simulated reviewer has work even when v1 is sure
                StreamAppSettings.REVIEW_SAMPLE, "0.2"));
        appConfig = StreamAppSettings.of(appSettings);
        t = System.nanoTime();
        app = started(TriageStreamApp.start(appConfig));
        await(app::isReady, "the stream app to be ready");
        progress.accept(String.format(Locale.ROOT, "stream app (Kafka Streams, exactly-once, MiniLM) /metrics on port %d  %s",
                app.httpPort(), since(t)));

        Map<String, String> trainerSettings = new HashMap<>(Map.of(
                TrainerSettings.BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
                TrainerSettings.REGISTRY_URL, registry.apiV2Url(),
                TrainerSettings.MODEL_LABELS, labelList,
                TrainerSettings.UPDATE_SIGNING_KEY, SigningKeys.inline(updateKeys.getPrivate()),
                TrainerSettings.MODEL_STORE, models.toString(),
                TrainerSettings.DATA_DIR, stateDir.resolve("feedback").toString(),
                // only the demo's requests start runs: v1 after the bootstrap part, v2 after the feedback part
                TrainerSettings.RETRAIN_MIN_EXAMPLES, String.valueOf(Integer.MAX_VALUE),
                TrainerSettings.HTTP_PORT, "0",
                TrainerSettings.HTTP_BIND_ADDRESS, LOCAL_ONLY));
        trainerSettings.put(TrainerSettings.RETRAIN_TOKEN, retrainToken);
        trainerConfig = TrainerSettings.of(trainerSettings);
        t = System.nanoTime();
        trainer = started(TriageTrainer.start(trainerConfig));
        await(trainer::isReady, "the trainer to read feedback");
        progress.accept(String.format(Locale.ROOT, "trainer service (head mode) /metrics and POST /retrain on port %d"
                + " (Authorization: Bearer %s)  %s", trainer.httpPort(), retrainToken, since(t)));
        t = System.nanoTime();
        consoleToken = randomToken();
        console = started(TriageConsole.start(ConsoleSettings.of(Map.of(
                ConsoleSettings.BOOTSTRAP_SERVERS, kafka.bootstrapServers(),
                ConsoleSettings.REGISTRY_URL, registry.apiV2Url(),
                ConsoleSettings.TOKEN, consoleToken,
                // the Models page: the versions the stream app would load, and the one it says it serves
                ConsoleSettings.UPDATE_TRUSTED_KEYS, SigningKeys.inline(updateKeys.getPublic()),
                ConsoleSettings.STREAM_APPS, "http://" + LOCAL_ONLY + ":" + app.httpPort(),
                // "Why?" loads the version that classified an event from the demo's store
                ConsoleSettings.ARTIFACT_ALLOWED_URIS, models.toString(),
                ConsoleSettings.HTTP_PORT, "0",
                ConsoleSettings.HTTP_BIND_ADDRESS, LOCAL_ONLY))));
        progress.accept(String.format(Locale.ROOT, "review console at http://%s:%d/ (sign in with any name and the "
                + "token %s)  %s", LOCAL_ONLY, console.port(), consoleToken, since(t)));
        updates = started(new ModelUpdateLog(trainerConfig.clientConfig(),
                RegistrySettings.confluentWireFormat(registry.apiV2Url()), trainerConfig.get(TrainerSettings.TOPIC_MODEL_UPDATES),
                trainerConfig.get(TrainerSettings.MODEL_NAME), new UpdateVerifier(List.of(updateKeys.getPublic()), false)));
    }

    private <T extends AutoCloseable> T started(T component) {
        started.add(component);
        return component;
    }

    private static String randomToken() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String since(long startNanos) {
        return String.format(Locale.ROOT, "(%.1f s)", (System.nanoTime() - startNanos) / 1e9);
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("gave up waiting for " + what + " after " + READY_TIMEOUT.toMinutes()
                        + " minutes");
            }
            Thread.sleep(100);
        }
    }

    String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    String registryUrl() {
        return registry.apiV2Url();
    }

    StreamAppSettings appConfig() {
        return appConfig;
    }

    TrainerSettings trainerConfig() {
        return trainerConfig;
    }

    String consoleUrl() {
        return "http://" + LOCAL_ONLY + ":" + console.port();
    }

    String consoleToken() {
        return consoleToken;
    }

    TriageStreamApp app() {
        return app;
    }

    TriageTrainer trainer() {
        return trainer;
    }

    /** The model version the stream app serves now, from its model-serving gauge. */
    String servingVersion() {
        return app.metrics().registry().find(StreamMetrics.MODEL_SERVING).gauges().stream()
                .filter(g -> g.value() == 1).map(g -> g.getId().getTag("version")).findFirst().orElse("none");
    }

    /**
     * Feedback records the trainer has stored: it commits its consumer offsets only once the records are in its
     * snapshot on disk, so the committed offsets count them.
     */
    long storedFeedback() throws InterruptedException {
        try {
            Map<?, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(trainerConfig.get(TrainerSettings.GROUP_ID))
                    .partitionsToOffsetAndMetadata().get();
            return offsets.values().stream().filter(o -> o != null).mapToLong(OffsetAndMetadata::offset).sum();
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot read the trainer's committed offsets", e.getCause());
        }
    }

    /** The newest version announced on the model-update topic. */
    Optional<ModelUpdate> latestUpdate() {
        return updates.latest();
    }

    /** Stops the trainer (a run in progress finishes first), the stream app, the registry, then the broker. */
    @Override
    public void close() {
        // after Ctrl-C the caller's thread may still be flagged: the components must be able to wait while they stop
        boolean interrupted = Thread.interrupted();
        RuntimeException failure = null;
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("stopping the demo failed", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        started.clear();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure != null) {
            throw failure;
        }
    }
}
