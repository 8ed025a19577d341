package io.triage.settings;

import static io.triage.settings.ConfigValues.*;

/**
 * The settings both apps read with the same meaning and default, declared once: each app's catalogue lists these
 * objects, so the reference and the apps cannot drift apart. Keys both apps read with a meaning or default of their
 * own (e.g. {@code http.port}, {@code model.labels}) share only the key constant in {@link ConfigValues}.
 */
public final class SharedSettings {
    private SharedSettings() {}

    public static final Setting BOOTSTRAP = new Setting(BOOTSTRAP_SERVERS, "localhost:9092",
            "Kafka bootstrap servers, `host:port[,host:port...]`.");
    public static final Setting REGISTRY = new Setting(REGISTRY_URL, "http://localhost:8081/apis/registry/v2",
            "Apicurio Registry's v2 API.");
    public static final Setting AUTO_REGISTER = new Setting(REGISTRY_AUTO_REGISTER, "true", "`true`: the serdes "
            + "register a schema they write that the registry lacks. `false` (production): schemas are registered "
            + "beforehand (`triage schemas register`), and the app needs only read access to the registry.");
    public static final Setting MODEL_UPDATES_TOPIC = new Setting(TOPIC_MODEL_UPDATES, "triage.model-updates",
            "Compacted topic of `ModelUpdate`s keyed by model name: the trainer publishes on it, every stream-app "
            + "instance reads all of it and hot-swaps to the latest version, and its latest entry is the version "
            + "training continues from.");
    public static final Setting DEAD_LETTER_TOPIC = new Setting(TOPIC_DEAD_LETTER, "triage.dead-letter",
            "Topic of bad input, rejected feedback and refused model updates (`DeadLetter`); created at start if "
            + "missing.");
    public static final Setting DEAD_LETTER_MAX_BYTES = new Setting(DEAD_LETTER_MAX_VALUE_BYTES, "65536",
            "Dead letters keep at most this many bytes of the failed record's value, and of its key; a cut one gives "
            + "the full size in `original_value_size` (`original_key_size`). Keeps every dead letter under the "
            + "producer's `max.request.size`.");
    public static final Setting NAME = new Setting(MODEL_NAME, "triage",
            "The model's name on the update topic (the record key).");
    public static final Setting DEVICE = new Setting(MODEL_DEVICE, "auto",
            "`auto` (the first GPU if PyTorch sees one, else the CPU), `cpu` or `gpu:N`.");
    public static final Setting DOWNLOAD_DIR = new Setting(MODEL_DOWNLOAD_DIR, "", "Where artifacts announced "
            + "with `http(s)://` URIs are downloaded before loading; empty: `triage-models` in the JVM's temporary "
            + "folder.");
    public static final Setting TRUSTED_KEYS = new Setting(UPDATE_TRUSTED_KEYS, "", "Comma-separated Ed25519 "
            + "public keys (PEM file paths, or the base64 between the PEM lines) whose signatures on model updates are "
            + "accepted; list the old and new key while rotating. Stream apps need one unless "
            + "`model.update.allow.unsigned` is on; the trainer trusts its own key besides these.");
    public static final Setting ALLOW_UNSIGNED = new Setting(UPDATE_ALLOW_UNSIGNED, "false", "`true`: unsigned "
            + "updates are accepted too (and a trainer without a signing key publishes unsigned ones). Insecure, for "
            + "local experiments only: anyone who can write the update topic then decides what is served.");
    public static final Setting ALLOWED_URIS = new Setting(ARTIFACT_ALLOWED_URIS, "", "Comma-separated locations "
            + "announced artifacts may lie in: model store folders (path or `file:`) and `http(s)://host[:port]/path/` "
            + "prefixes. Stream apps: empty refuses every update; the trainer also allows `model.store` and "
            + "`model.store.url`; the console: empty turns *Why?* off.");
    public static final Setting ARTIFACT_BYTES = new Setting(ARTIFACT_MAX_BYTES, "4294967296",
            "The most one artifact download may bring, all files together.");
    public static final Setting ARTIFACT_TIMEOUT = new Setting(ARTIFACT_FETCH_TIMEOUT_MS, "600000",
            "The longest one artifact download may take.");
    public static final Setting BIND_ADDRESS = new Setting(HTTP_BIND_ADDRESS, "0.0.0.0", "Interface the ops port "
            + "listens on; `0.0.0.0`: all of them, which Kubernetes' probes (and stream apps downloading from the "
            + "trainer) need. Restrict it (e.g. `127.0.0.1`) wherever nothing else must reach them.");
    public static final PassThrough REGISTRY_CLIENT = new PassThrough(REGISTRY_PREFIX, "Given to the registry's "
            + "serdes as they are: TLS (`apicurio.registry.request.ssl.truststore.location`, `...truststore.password`, "
            + "keystore), auth (`apicurio.auth.username`/`password`, or OAuth `apicurio.auth.service.url`, `...realm`, "
            + "`...client.id`, `...client.secret`), extra headers (`apicurio.registry.request.headers.*`). The "
            + "wire-format keys stay Triage's.");
}
