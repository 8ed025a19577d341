package io.triage.settings;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * An app's effective settings — its catalogue's defaults, then a properties file, then environment variables — with
 * typed, validated getters whose errors name the key. Each app's config class extends it and adds its keys.
 */
public abstract class ConfigValues {
    /** Environment variables that set the apps' keys start with this: {@code TRIAGE_BATCH_MAX_SIZE}. */
    public static final String ENV_PREFIX = "TRIAGE_";
    /** Keys under this prefix go to Kafka's clients without it: {@code kafka.security.protocol}. */
    public static final String KAFKA_PREFIX = "kafka.";
    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    /** Keys under this prefix go to the registry's serdes as they are: {@code apicurio.auth.username}, TLS, ... */
    public static final String REGISTRY_PREFIX = "apicurio.";
    public static final String REGISTRY_URL = "registry.url";
    public static final String REGISTRY_AUTO_REGISTER = "registry.auto.register";
    // Keys both apps read (their definitions: SharedSettings, or each app's catalogue where meanings differ).
    public static final String TOPIC_MODEL_UPDATES = "topic.model.updates";
    public static final String TOPIC_DEAD_LETTER = "topic.dead.letter";
    public static final String DEAD_LETTER_MAX_VALUE_BYTES = "dead.letter.max.value.bytes";
    public static final String TOPIC_PARTITIONS = "topic.partitions";
    public static final String MODEL_NAME = "model.name";
    public static final String MODEL_LABELS = "model.labels";
    public static final String MODEL_DEVICE = "model.device";
    public static final String MODEL_DOWNLOAD_DIR = "model.download.dir";
    public static final String UPDATE_TRUSTED_KEYS = "model.update.trusted.keys";
    public static final String UPDATE_ALLOW_UNSIGNED = "model.update.allow.unsigned";
    public static final String ARTIFACT_ALLOWED_URIS = "model.artifact.allowed.uris";
    public static final String ARTIFACT_MAX_BYTES = "model.artifact.max.bytes";
    public static final String ARTIFACT_FETCH_TIMEOUT_MS = "model.artifact.fetch.timeout.ms";
    public static final String MAX_TEXT_BYTES = "max.text.bytes";
    public static final String HTTP_PORT = "http.port";
    public static final String HTTP_BIND_ADDRESS = "http.bind.address";

    private final Properties values;

    protected ConfigValues(Properties values) {
        this.values = values;
    }

    /** Defaults, then {@code file} (may be null), then the variables of {@code env} that name a setting. */
    protected static Properties read(DocumentedSettings catalogue, Path file, Map<String, String> env)
            throws IOException {
        Properties p = new Properties();
        p.putAll(catalogue.defaults());
        if (file != null) {
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            }
        }
        env.forEach((name, value) -> catalogue.keyOf(name).ifPresent(key -> p.setProperty(key, value)));
        return p;
    }

    /** Defaults plus {@code overrides}; for tests and embedded use. */
    protected static Properties merged(DocumentedSettings catalogue, Map<String, String> overrides) {
        Properties p = new Properties();
        p.putAll(catalogue.defaults());
        p.putAll(overrides);
        return p;
    }

    /** A copy of these values with one key changed. */
    protected Properties copyWith(String key, String value) {
        Properties p = new Properties();
        p.putAll(values);
        p.setProperty(key, value);
        return p;
    }

    public String get(String key) {
        String v = values.getProperty(key);
        if (v == null) {
            throw new IllegalArgumentException("missing setting '" + key + "'");
        }
        return v.trim();
    }

    public int getInt(String key, int min) {
        return (int) getLong(key, min);
    }

    public long getLong(String key, long min) {
        long v;
        try {
            v = Long.parseLong(get(key));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("setting '" + key + "' must be an integer, got '" + get(key) + "'");
        }
        if (v < min) {
            throw new IllegalArgumentException("setting '" + key + "' must be >= " + min + ", got " + v);
        }
        return v;
    }

    /** A number in {@code [min, max]}. */
    public double getDouble(String key, double min, double max) {
        double v;
        try {
            v = Double.parseDouble(get(key));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("setting '" + key + "' must be a number, got '" + get(key) + "'");
        }
        if (!(v >= min && v <= max)) {
            throw new IllegalArgumentException("setting '" + key + "' must be in [" + min + ", " + max + "], got " + v);
        }
        return v;
    }

    public boolean getBoolean(String key) {
        String v = get(key).toLowerCase(Locale.ROOT);
        if (!v.equals("true") && !v.equals("false")) {
            throw new IllegalArgumentException("setting '" + key + "' must be true or false, got '" + v + "'");
        }
        return Boolean.parseBoolean(v);
    }

    public <E extends Enum<E>> E getEnum(String key, Class<E> type) {
        try {
            return Enum.valueOf(type, get(key).toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("setting '" + key + "' must be one of "
                    + Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT) + ", got '" + get(key) + "'");
        }
    }

    /** A comma-separated list, trimmed, without empty entries. */
    public List<String> getList(String key) {
        return Arrays.stream(get(key).split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** The folder {@code key} names, or when it is empty, {@code tempName} in the JVM's temporary folder. */
    public Path getFolderOrTemp(String key, String tempName) {
        String configured = get(key);
        return configured.isBlank() ? Path.of(System.getProperty("java.io.tmpdir"), tempName) : Path.of(configured);
    }

    /** Settings for a plain Kafka client of the app: the bootstrap servers plus every {@code kafka.*} setting. */
    public Map<String, Object> clientConfig() {
        Map<String, Object> out = new HashMap<>();
        out.put(BOOTSTRAP_SERVERS, get(BOOTSTRAP_SERVERS));
        kafkaPassThrough().forEach((k, v) -> out.put((String) k, v));
        return out;
    }

    /** The {@code apicurio.*} settings, keys unchanged: the registry client's own TLS, auth and header settings. */
    public Map<String, Object> registryPassThrough() {
        Map<String, Object> out = new HashMap<>();
        for (String key : values.stringPropertyNames()) {
            if (key.startsWith(REGISTRY_PREFIX)) {
                out.put(key, values.getProperty(key));
            }
        }
        return out;
    }

    /** The {@code kafka.*} settings with the prefix removed: they come after the app's own Kafka settings, so win. */
    public Properties kafkaPassThrough() {
        Properties out = new Properties();
        for (String key : values.stringPropertyNames()) {
            if (key.startsWith(KAFKA_PREFIX)) {
                out.setProperty(key.substring(KAFKA_PREFIX.length()), values.getProperty(key));
            }
        }
        return out;
    }
}
