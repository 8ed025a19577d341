package io.triage.console;

import io.triage.model.explain.NearestExamples;
import io.triage.model.io.AllowedLocations;
import io.triage.model.io.ArtifactFetcher;
import io.triage.schemas.LabeledExample;
import io.triage.service.RegistrySettings;
import io.triage.service.ModelUpdateLog;
import io.triage.service.ServiceRunner;
import io.triage.service.TopicProvisioner;
import io.triage.service.trust.UpdateTrust;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.triage.console.ConsoleSettings.*;

/**
 * The review console's process: provisions its topics, replays its state, follows the review topic and serves the
 * pages. One instance per transactional id: a second one fences the first.
 */
public final class TriageConsole implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TriageConsole.class);
    /** The Models page refreshes every 5 s: ask the stream apps at most every 4 s, however many reviewers look. */
    private static final long INSTANCES_CACHE_MS = 4000;

    private final ReviewLog log;
    private final ReviewFeed feed;
    private final ModelVersions versions;
    private final LiveFeed liveFeed;
    private final LabeledFeedback labeled;
    private final Explanations explanations;
    private final ConsoleServer server;

    private TriageConsole(ConsoleSettings config) throws Exception {
        Sessions sessions = new Sessions(config.get(TOKEN), config.getLong(SESSION_MS, 1), System::currentTimeMillis);
        Map<String, Object> clients = config.clientConfig();
        TopicProvisioner topics = new TopicProvisioner(clients);
        topics.ensure(List.of(config.get(REVIEW_TOPIC), config.get(FEEDBACK_TOPIC), config.get(RESULTS_TOPIC),
                config.get(TOPIC_DEAD_LETTER)), 1);
        topics.ensureCompacted(config.get(STATE_TOPIC));
        Map<String, Object> registry = RegistrySettings.of(config);

        log = new ReviewLog(clients, config.get(TRANSACTIONAL_ID), RegistrySettings.<LabeledExample>avroSerializer(registry),
                config.get(FEEDBACK_TOPIC), config.get(STATE_TOPIC));
        ReviewQueue queue = new ReviewQueue(config.getInt(QUEUE_MAX, 1), ReviewLog.replay(clients, config.get(STATE_TOPIC)));
        ReviewDesk desk = new ReviewDesk(queue, log, config.getLong(LEASE_MS, 1), System::currentTimeMillis);
        feed = new ReviewFeed(clients, registry, config.get(REVIEW_TOPIC), desk::offer);
        versions = versions(config, clients, registry);
        long window = config.getLong(LIVE_WINDOW_S, 1) * 1000;
        LiveStats live = new LiveStats(window, System::currentTimeMillis);
        liveFeed = new LiveFeed(clients, registry, config.get(RESULTS_TOPIC), config.get(TOPIC_DEAD_LETTER), window, live);
        StreamAppInstances instances = new StreamAppInstances(config.getList(STREAM_APPS), config.get(MODEL_NAME),
                INSTANCES_CACHE_MS, System::currentTimeMillis);
        ModelsPage models = new ModelsPage(versions, new TrainerClient(config.get(TRAINER_URL), config.get(TRAINER_TOKEN)),
                instances);
        labeled = new LabeledFeedback(clients, registry, config.get(FEEDBACK_TOPIC), config.getInt(EXPLAIN_EXAMPLES, 1));
        explanations = new Explanations(versions, fetcher(config), labeled::snapshot,
                new Explanations.Limits(config.getInt(EXPLAIN_MAX_TOKENS, 3), config.getInt(EXPLAIN_STEPS, 1),
                        NearestExamples.DEFAULT_COUNT, config.getInt(EXPLAIN_EXAMPLES, 1)),
                new ExplainWorker(config.getInt(EXPLAIN_QUEUE, 0), Duration.ofMillis(config.getLong(EXPLAIN_TIMEOUT_MS, 1))),
                config.getInt(EXPLAIN_MODELS, 1));
        SignInLimiter limiter = new SignInLimiter(config.getInt(SIGN_IN_MAX_FAILURES, 1),
                config.getLong(SIGN_IN_WINDOW_MS, 1), System::currentTimeMillis);
        server = new ConsoleServer(config.get(HTTP_BIND_ADDRESS), config.getInt(HTTP_PORT, 0), sessions, limiter, desk,
                models, live, explanations, () -> feed.caughtUp() && !feed.failed());
        LOG.info("the review console listens on port {}", server.port());
    }

    /** The verified versions, as a stream app with the same trusted keys sees them; none without keys. */
    private static ModelVersions versions(ConsoleSettings config, Map<String, Object> clients,
                                          Map<String, Object> registry) throws Exception {
        if (config.getList(UPDATE_TRUSTED_KEYS).isEmpty() && !config.getBoolean(UPDATE_ALLOW_UNSIGNED)) {
            LOG.info("no {}: the Models page lists no versions", UPDATE_TRUSTED_KEYS);
            return ModelVersions.none();
        }
        new TopicProvisioner(clients).ensureCompacted(config.get(TOPIC_MODEL_UPDATES));
        return new ModelVersions(new ModelUpdateLog(clients, registry, config.get(TOPIC_MODEL_UPDATES),
                config.get(MODEL_NAME), UpdateTrust.verifier(config.getList(UPDATE_TRUSTED_KEYS), Optional.empty(),
                config.getBoolean(UPDATE_ALLOW_UNSIGNED), UPDATE_TRUSTED_KEYS, UPDATE_ALLOW_UNSIGNED)));
    }

    /** Artifacts for explanations only from the allowed locations, within the download caps; none allowed: off. */
    private static Optional<ArtifactFetcher> fetcher(ConsoleSettings config) {
        AllowedLocations allowed = new AllowedLocations(config.getList(ARTIFACT_ALLOWED_URIS));
        if (allowed.isEmpty()) {
            LOG.info("no {}: \"Why?\" explanations are off", ARTIFACT_ALLOWED_URIS);
            return Optional.empty();
        }
        return Optional.of(new ArtifactFetcher(config.getFolderOrTemp(MODEL_DOWNLOAD_DIR, "triage-console-models"),
                allowed, config.getLong(ARTIFACT_MAX_BYTES, 1),
                Duration.ofMillis(config.getLong(ARTIFACT_FETCH_TIMEOUT_MS, 1))));
    }

    public static TriageConsole start(ConsoleSettings config) throws Exception {
        return new TriageConsole(config);
    }

    public int port() {
        return server.port();
    }

    /** False once reading the review topic has failed for good. */
    public boolean isLive() {
        return !feed.failed();
    }

    @Override
    public void close() throws Exception {
        server.close();
        explanations.close();
        labeled.close();
        feed.close();
        liveFeed.close();
        versions.close();
        log.close();
    }

    /** {@code TriageConsole [settings.properties]}; settings also from {@code TRIAGE_*} variables. */
    public static void main(String[] args) throws Exception {
        ConsoleSettings config = ConsoleSettings.load(args.length > 0 ? Path.of(args[0]) : null, System.getenv());
        TriageConsole console = start(config);
        System.exit(ServiceRunner.runUntilStopped(console, console::isLive));
    }
}
