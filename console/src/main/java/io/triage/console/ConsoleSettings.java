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
    public static final String SIGN_IN_MAX_FAILURES = "console.signin.max.failures";
    public static final String SIGN_IN_WINDOW_MS = "console.signin.window.ms";
    public static final String QUEUE_MAX = "console.queue.max";
    public static final String TRAINER_URL = "console.trainer.url";
    public static final String TRAINER_TOKEN = "console.trainer.token";
    public static final String STREAM_APPS = "console.stream.apps";
    public static final String RESULTS_TOPIC = "topic.output";
    public static final String LIVE_WINDOW_S = "console.live.window.s";
    public static final String EXPLAIN_QUEUE = "console.explain.queue";
    public static final String EXPLAIN_TIMEOUT_MS = "console.explain.timeout.ms";
    public static final String EXPLAIN_MAX_TOKENS = "console.explain.max.tokens";
    public static final String EXPLAIN_STEPS = "console.explain.steps";
    public static final String EXPLAIN_MODELS = "console.explain.models";
    public static final String EXPLAIN_EXAMPLES = "console.explain.examples";

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
            new Setting(SIGN_IN_MAX_FAILURES, "10", "Failed sign-ins allowed per remote address and per reviewer "
                    + "name within `console.signin.window.ms`; beyond them sign-ins from that address or under that "
                    + "name get 429 until the window ends."),
            new Setting(SIGN_IN_WINDOW_MS, "300000", "The window the failed sign-ins are counted in."),
            new Setting(QUEUE_MAX, "10000", "Events kept waiting in memory; beyond it, the most certain waiting "
                    + "ones are dropped."),
            new Setting(HTTP_PORT, "8070", "Port of the console's pages and API, and of `/health` and `/ready`."),
            SharedSettings.BIND_ADDRESS,
            new Setting(TRAINER_URL, "", "The trainer's ops endpoints, e.g. `http://trainer:8090`: the Models page's "
                    + "*retrain now* and the trainer's readiness, and reports of versions in its store. Empty: none."),
            new Setting(TRAINER_TOKEN, "", "The trainer's `retrain.token`, for *retrain now*. Empty: the button is "
                    + "off."),
            new Setting(STREAM_APPS, "", "Comma-separated ops URLs of the stream apps, e.g. `http://stream-app:8080`: "
                    + "the Models page shows the version each serves (`triage_model_serving` on its `/metrics`). A "
                    + "name that resolves to several addresses (a headless Service) is one instance per address. "
                    + "Empty: not shown."),
            SharedSettings.MODEL_UPDATES_TOPIC,
            SharedSettings.NAME,
            SharedSettings.TRUSTED_KEYS,
            SharedSettings.ALLOW_UNSIGNED,
            new Setting(RESULTS_TOPIC, "triage.classified", "The results topic the Live page reads (`ClassifiedEvent`, "
                    + "Avro), as the stream app's `topic.output`."),
            SharedSettings.DEAD_LETTER_TOPIC,
            new Setting(LIVE_WINDOW_S, "300", "The Live page's figures cover this many seconds."),
            SharedSettings.ALLOWED_URIS,
            SharedSettings.DOWNLOAD_DIR,
            SharedSettings.ARTIFACT_BYTES,
            SharedSettings.ARTIFACT_TIMEOUT,
            new Setting(EXPLAIN_QUEUE, "4", "*Why?* explanations that may wait behind the one being computed (one "
                    + "at a time, on the CPU); beyond them a request is answered 429 at once."),
            new Setting(EXPLAIN_TIMEOUT_MS, "60000", "How long a *Why?* request waits for its explanation (queue "
                    + "and computation) before it is answered 503."),
            new Setting(EXPLAIN_MAX_TOKENS, "256", "The most tokens (as the version reads the text, after its own "
                    + "truncation) an explanation covers; a longer text is refused (413). The cost grows with "
                    + "tokens × steps."),
            new Setting(EXPLAIN_STEPS, "64", "Steps of the integrated-gradients path: more, a smaller completeness "
                    + "gap and a slower explanation."),
            new Setting(EXPLAIN_MODELS, "1", "Versions kept loaded for explanations (1 or 2); the least recently "
                    + "used one is closed, its memory freed, before another is loaded."),
            new Setting(EXPLAIN_EXAMPLES, "2000", "Labeled examples from `topic.feedback` kept in memory (the most "
                    + "recently labeled, one per id) and searched for the nearest ones to an explained text.")),
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
