package io.triage.trainer.service;

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

/**
 * The trainer service's settings: defaults, overridden by a properties file, overridden by {@code TRIAGE_*}
 * environment variables (the same rules as the stream app's, see {@link ConfigValues}).
 */
public final class TrainerSettings extends ConfigValues {
    public static final String TOPIC_FEEDBACK = "topic.feedback";
    public static final String GROUP_ID = "feedback.group.id";
    public static final String MODEL_BASE = "model.base";
    public static final String LABELS_ALLOW_NEW = "labels.allow.new";
    public static final String MODEL_STORE = "model.store";
    public static final String MODEL_STORE_URL = "model.store.url";
    public static final String MODEL_STORE_KEEP = "model.store.keep";
    public static final String UPDATE_SIGNING_KEY = "model.update.signing.key";
    public static final String DATA_DIR = "data.dir";
    public static final String TRAIN_MODE = "train.mode";
    public static final String TRAIN_EPOCHS = "train.epochs";
    public static final String TRAIN_SEED = "train.seed";
    public static final String RETRAIN_MIN_EXAMPLES = "retrain.min.examples";
    public static final String RETRAIN_INTERVAL_MS = "retrain.interval.ms";
    public static final String HOLDOUT_FRACTION = "holdout.fraction";
    public static final String EVAL_FILE = "eval.file";
    public static final String PROMOTION_METRIC = "promotion.metric";
    public static final String PROMOTION_TOLERANCE = "promotion.tolerance";
    public static final String FEEDBACK_MAX_EXAMPLES = "feedback.max.examples";
    public static final String FEEDBACK_MAX_BYTES = "feedback.max.bytes";
    public static final String RETRAIN_TOKEN = "retrain.token";
    public static final String ROLLBACK_ENABLED = "rollback.enabled";
    public static final String TOPIC_OUTPUT = "topic.output";
    public static final String ROLLBACK_TOLERANCE = "rollback.tolerance";
    public static final String ROLLBACK_MIN_LABELS = "rollback.min.labels";
    public static final String ROLLBACK_TRACK_EVENTS = "rollback.track.events";
    public static final String PROMOTION_MODE = "promotion.mode", SHADOW_WINDOW_EVENTS = "shadow.window.events",
            SHADOW_WINDOW_MS = "shadow.window.ms", SHADOW_MIN_EVENTS = "shadow.min.events",
            SHADOW_MIN_AGREEMENT = "shadow.min.agreement", SHADOW_MIN_LABEL_SHARE = "shadow.min.label.share",
            SHADOW_MAX_LABEL_SHARE_CHANGE = "shadow.max.label.share.change",
            TOPIC_SHADOW_REPORTS = "topic.shadow.reports";

    /** Every setting with its default and meaning, in the order docs/configuration.md lists them. */
    public static final DocumentedSettings SETTINGS = new DocumentedSettings("Trainer", ENV_PREFIX, List.of(
            SharedSettings.BOOTSTRAP,
            SharedSettings.REGISTRY,
            SharedSettings.AUTO_REGISTER,
            new Setting(TOPIC_FEEDBACK, "triage.labeled-feedback", "Topic of labeled examples (`LabeledExample`) "
                    + "to learn from; created at start if missing."),
            SharedSettings.MODEL_UPDATES_TOPIC,
            SharedSettings.DEAD_LETTER_TOPIC,
            SharedSettings.DEAD_LETTER_MAX_BYTES,
            new Setting(TOPIC_PARTITIONS, "1", "Partitions of the feedback and dead-letter topics when the trainer "
                    + "creates them."),
            new Setting(GROUP_ID, "triage-trainer", "Consumer group of the feedback topic; offsets are committed "
                    + "only after the feedback is on disk."),
            SharedSettings.NAME,
            new Setting(MODEL_BASE, "minilm", "What the first version starts from when the update topic has none: "
                    + "`minilm` or a model folder."),
            new Setting(MODEL_LABELS, "", "Comma-separated labels of the first version; empty: the labels of the "
                    + "latest version, or before any, the sorted labels seen in the feedback."),
            new Setting(LABELS_ALLOW_NEW, "false", "`false`: feedback with a label the model does not have goes to "
                    + "the dead letters. `true`: it is kept and the next version gets a fresh head with the label "
                    + "added (stream apps then need a matching `model.labels`)."),
            SharedSettings.DEVICE,
            new Setting(MODEL_STORE, "/var/lib/triage/models", "Folder the versions are written to, "
                    + "`<store>/<model.name>/<version>`."),
            new Setting(MODEL_STORE_URL, "", "Empty: versions are announced as `file:` URIs, so stream apps must "
                    + "mount the store. Else the URL at which stream apps reach the trainer's `/models/` endpoint, "
                    + "e.g. `http://triage-trainer:8090/models`: versions are announced as `<url>/<model.name>/"
                    + "<version>/` and downloaded."),
            new Setting(MODEL_STORE_KEEP, "5", "Versions of the model kept in the store: after each publish, older "
                    + "`v<N>` folders beyond the newest this many are deleted, never the version announced before "
                    + "the new one."),
            SharedSettings.DOWNLOAD_DIR,
            new Setting(UPDATE_SIGNING_KEY, "", "The Ed25519 private key that signs every published update (a "
                    + "PKCS#8 PEM file's path, or the base64 between its PEM lines, e.g. from a Secret); `triage keys "
                    + "generate` makes a pair. Required unless `model.update.allow.unsigned` is on."),
            SharedSettings.TRUSTED_KEYS,
            SharedSettings.ALLOW_UNSIGNED,
            SharedSettings.ALLOWED_URIS,
            SharedSettings.ARTIFACT_BYTES,
            SharedSettings.ARTIFACT_TIMEOUT,
            new Setting(DATA_DIR, "/var/lib/triage/feedback", "Folder of the durable feedback snapshot "
                    + "(`feedback.jsonl`); keep it on a persistent volume."),
            new Setting(TRAIN_MODE, "head", "`head` (frozen encoder, fast on a CPU) or `full` (everything "
                    + "trains)."),
            new Setting(TRAIN_EPOCHS, "", "Epochs per training run; empty: the mode's default (head 20, full 2)."),
            new Setting(TRAIN_SEED, "42", "Seed of shuffling, dropout and fresh heads."),
            new Setting(RETRAIN_MIN_EXAMPLES, "500", "Train when this many new or changed examples arrived since "
                    + "the last run."),
            new Setting(RETRAIN_INTERVAL_MS, "0", "Also train on this schedule when anything new arrived; `0`: "
                    + "no schedule. `POST /retrain` trains at once."),
            new Setting(HOLDOUT_FRACTION, "0.2", "Share of the feedback held out for evaluation and never trained "
                    + "on, chosen by a hash of the example id (the same share of every class)."),
            new Setting(EVAL_FILE, "", "Optional fixed evaluation file (`text;label` or CSV/TSV/JSONL by "
                    + "extension), scored beside the holdout."),
            new Setting(PROMOTION_METRIC, "accuracy", "`accuracy` or `macro_f1`: what a new version is compared on."),
            new Setting(PROMOTION_TOLERANCE, "0.01", "A new version is published unless its metric is lower than "
                    + "the current version's on the same evaluation data by more than this."),
            new Setting(MAX_TEXT_BYTES, "65536", "Longer feedback texts (both segments, UTF-8) go to the dead "
                    + "letters."),
            new Setting(FEEDBACK_MAX_EXAMPLES, "100000", "Most examples the feedback snapshot keeps: beyond it, "
                    + "the oldest (least recently added or corrected) are evicted, so training follows fresh "
                    + "feedback; counted in `triage_trainer_examples_evicted_total`."),
            new Setting(FEEDBACK_MAX_BYTES, "268435456", "Most bytes the snapshot's examples may take (as JSON "
                    + "lines); beyond it, the oldest are evicted as for `feedback.max.examples`. The file is "
                    + "rewritten with one line per example once over half of it is replaced or evicted examples, "
                    + "so it stays under about twice this."),
            new Setting(HTTP_PORT, "8090", "Port of `/metrics`, `/health`, `/ready` and `POST /retrain`; `-1` "
                    + "turns them off."),
            SharedSettings.BIND_ADDRESS,
            new Setting(RETRAIN_TOKEN, "", "Secret that `POST /retrain` and `POST /rollback` require as "
                    + "`Authorization: Bearer <token>`; empty: the endpoints are disabled (401). Pass it from a secret store, e.g. a "
                    + "Kubernetes Secret."),
            new Setting(ROLLBACK_ENABLED, "true", "Automatic rollback: the trainer reads the stream apps' results "
                    + "(`topic.output`), scores each version on live labels (feedback whose `id` is a served event's "
                    + "id) and publishes the previous version again when the serving one is worse; `false`: off."),
            new Setting(TOPIC_OUTPUT, "triage.classified", "The stream apps' result topic (`ClassifiedEvent`), read "
                    + "for automatic rollback; the same key and value as the stream app's."),
            new Setting(ROLLBACK_TOLERANCE, "0.05", "Roll back when the serving version's live accuracy is below "
                    + "its predecessor's by more than this."),
            new Setting(ROLLBACK_MIN_LABELS, "100", "Live labels each of the two versions needs before a rollback "
                    + "is decided."),
            new Setting(ROLLBACK_TRACK_EVENTS, "100000", "Served results remembered (input id, version, label; the "
                    + "newest, about 100 bytes each) for live labels to be scored against; a label for an older "
                    + "event is not scored."),
            new Setting(PROMOTION_MODE, "direct", "`direct`: a version that passes evaluation is announced to serve. "
                    + "`shadow`: it is announced as a candidate, runs beside the serving one on the stream apps' "
                    + "sampled events (their `shadow.sample`), and serves only if its shadow trial passes."),
            new Setting(SHADOW_WINDOW_EVENTS, "500", "Events the fleet's shadow figures must cover before the trial "
                    + "is decided."),
            new Setting(SHADOW_WINDOW_MS, "600000", "A trial is decided after this long with at least "
                    + "`shadow.min.events`; with fewer, after twice this long it is rejected (`TOO_FEW_EVENTS`)."),
            new Setting(SHADOW_MIN_EVENTS, "100", "Fewest events a trial is decided on after `shadow.window.ms`."),
            new Setting(SHADOW_MIN_AGREEMENT, "0.5", "Share of events on which the candidate must choose the serving "
                    + "version's label (`LOW_AGREEMENT`)."),
            new Setting(SHADOW_MIN_LABEL_SHARE, "0.05", "A label the serving version answers more often than this "
                    + "must not vanish from the candidate's answers (`LABEL_COLLAPSED`)."),
            new Setting(SHADOW_MAX_LABEL_SHARE_CHANGE, "0.3", "Most a label's share of the answers may move between "
                    + "the serving version and the candidate (`LABEL_SHARE_MOVED`)."),
            new Setting(TOPIC_SHADOW_REPORTS, "triage.shadow-reports", "Compacted topic the stream apps send their "
                    + "shadow-trial figures to.")),
            List.of(new PassThrough(KAFKA_PREFIX, "Given to the trainer's Kafka clients without the prefix "
                    + "(`kafka.security.protocol` sets `security.protocol`), after its own settings, so they win."),
                    SharedSettings.REGISTRY_CLIENT));

    private TrainerSettings(Properties values) {
        super(values);
    }

    /** Defaults, then {@code file} (may be null), then {@code TRIAGE_*} variables from {@code env}. */
    public static TrainerSettings load(Path file, Map<String, String> env) throws IOException {
        return new TrainerSettings(read(SETTINGS, file, env));
    }

    /** Defaults plus the given overrides; for tests and embedded use. */
    public static TrainerSettings of(Map<String, String> overrides) {
        return new TrainerSettings(merged(SETTINGS, overrides));
    }
}
