package io.triage.console;

import io.triage.settings.ConfigValues;
import io.triage.settings.DocumentedSettings;
import io.triage.settings.PassThrough;
import io.triage.settings.Setting;
import io.triage.settings.SharedSettings;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** The console's settings: defaults, overridden by a properties file, overridden by {@code TRIAGE_*} variables. */
public final class ConsoleSettings extends ConfigValues {
    public static final String TOKEN = "console.token";
    public static final String REVIEW_TOPIC = "review.topic";
    public static final String FEEDBACK_TOPIC = "topic.feedback";
    public static final String STATE_TOPIC = "console.state.topic";
    public static final String TRANSACTIONAL_ID = "console.transactional.id";
    public static final String LEASE_MS = "console.lease.ms";
    public static final String SESSION_MS = "console.session.ms";
    public static final String QUEUE_MAX = "console.queue.max";

    public static final DocumentedSettings SETTINGS = new DocumentedSettings("Console", ENV_PREFIX, List.of(
            SharedSettings.BOOTSTRAP,
            SharedSettings.REGISTRY,
            SharedSettings.AUTO_REGISTER,
            new Setting(TOKEN, "", "The sign-in token (a shared password) reviewers type with their name; at least "
                    + "12 characters. Empty: the console refuses to start."),
            new Setting(REVIEW_TOPIC, "triage.review", "Topic of the events to review (`ReviewItem`), as the stream "
                    + "app's `review.topic`."),
            new Setting(FEEDBACK_TOPIC, "triage.labeled-feedback", "Topic the reviewers' labels go to "
                    + "(`LabeledExample`, source `review`), as the trainer's `topic.feedback`."),
            new Setting(STATE_TOPIC, "triage.console-state", "Compacted topic of the console's own state (leases "
                    + "and labels given, per event): replayed at start, so leases and counts survive a restart."),
            new Setting(TRANSACTIONAL_ID, "triage-console", "Kafka transactional id: a label and its state record "
                    + "are written in one transaction, and a second console with the same id fences the first."),
            new Setting(LEASE_MS, "300000", "How long an event shown to a reviewer stays theirs alone; after it, "
                    + "another reviewer may get it."),
            new Setting(SESSION_MS, "43200000", "How long a sign-in lasts."),
            new Setting(QUEUE_MAX, "10000", "Events kept waiting in memory; beyond it, the most certain waiting "
                    + "ones are dropped."),
            new Setting(HTTP_PORT, "8090", "Port of the console's pages and API, and of `/health` and `/ready`."),
            SharedSettings.BIND_ADDRESS),
            List.of(new PassThrough(KAFKA_PREFIX, "Given to the console's Kafka clients without the prefix."),
                    SharedSettings.REGISTRY_CLIENT));

    private ConsoleSettings(Properties values) {
        super(values);
    }

    public static ConsoleSettings load(Path file, Map<String, String> env) throws IOException {
        return new ConsoleSettings(read(SETTINGS, file, env));
    }

    /** Defaults plus the given overrides; for tests and embedded use. */
    public static ConsoleSettings of(Map<String, String> overrides) {
        return new ConsoleSettings(merged(SETTINGS, overrides));
    }
}
