package io.triage.console;

import io.triage.schemas.LabeledExample;
import io.triage.service.RegistrySettings;
import io.triage.service.ServiceRunner;
import io.triage.service.TopicProvisioner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.triage.console.ConsoleSettings.*;

/**
 * The review console's process: provisions its topics, replays its state, follows the review topic and serves the
 * pages. One instance per transactional id: a second one fences the first.
 */
public final class TriageConsole implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TriageConsole.class);

    private final ReviewLog log;
    private final ReviewFeed feed;
    private final ConsoleServer server;

    private TriageConsole(ConsoleSettings config) throws Exception {
        Sessions sessions = new Sessions(config.get(TOKEN), config.getLong(SESSION_MS, 1), System::currentTimeMillis);
        Map<String, Object> clients = config.clientConfig();
        TopicProvisioner topics = new TopicProvisioner(clients);
        topics.ensure(List.of(config.get(REVIEW_TOPIC), config.get(FEEDBACK_TOPIC)), 1);
        topics.ensureCompacted(config.get(STATE_TOPIC));
        Map<String, Object> registry = RegistrySettings.of(config);

        log = new ReviewLog(clients, config.get(TRANSACTIONAL_ID), RegistrySettings.<LabeledExample>avroSerializer(registry),
                config.get(FEEDBACK_TOPIC), config.get(STATE_TOPIC));
        ReviewQueue queue = new ReviewQueue(config.getInt(QUEUE_MAX, 1), ReviewLog.replay(clients, config.get(STATE_TOPIC)));
        ReviewDesk desk = new ReviewDesk(queue, log, config.getLong(LEASE_MS, 1), System::currentTimeMillis);
        feed = new ReviewFeed(clients, registry, config.get(REVIEW_TOPIC), desk::offer);
        server = new ConsoleServer(config.get(HTTP_BIND_ADDRESS), config.getInt(HTTP_PORT, 0), sessions, desk,
                () -> feed.caughtUp() && !feed.failed());
        LOG.info("the review console listens on port {}", server.port());
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
        feed.close();
        log.close();
    }

    /** {@code TriageConsole [settings.properties]}; settings also from {@code TRIAGE_*} variables. */
    public static void main(String[] args) throws Exception {
        ConsoleSettings config = ConsoleSettings.load(args.length > 0 ? Path.of(args[0]) : null, System.getenv());
        TriageConsole console = start(config);
        System.exit(ServiceRunner.runUntilStopped(console, console::isLive));
    }
}
