package io.triage.stream.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The stream app's settings: defaults, overridden by a properties file, overridden by environment variables.
 *
 * <p>An environment variable {@code TRIAGE_BATCH_MAX_SIZE} sets {@code batch.max.size}: strip {@code TRIAGE_},
 * lower-case, underscores become dots. Every key under {@code kafka.} goes to Kafka Streams and its clients as it
 * is (minus the prefix), so security settings need no code here: {@code TRIAGE_KAFKA_SECURITY_PROTOCOL=SASL_SSL},
 * {@code TRIAGE_KAFKA_SASL_JAAS_CONFIG=...}.
 */
public final class StreamAppConfig {
    public static final String ENV_PREFIX = "TRIAGE_";
    public static final String KAFKA_PREFIX = "kafka.";

    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String APPLICATION_ID = "application.id";
    public static final String PROCESSING_GUARANTEE = "processing.guarantee";
    public static final String TOPIC_INPUT = "topic.input";
    public static final String TOPIC_OUTPUT = "topic.output";
    public static final String TOPIC_DEAD_LETTER = "topic.dead.letter";
    public static final String ROUTING_ENABLED = "routing.enabled";
    public static final String TOPIC_ROUTE_PREFIX = "topic.route.prefix";
    public static final String TOPIC_PARTITIONS = "topic.partitions";
    public static final String INPUT_FORMAT = "input.format";
    public static final String OUTPUT_FORMAT = "output.format";
    public static final String REGISTRY_URL = "registry.url";
    public static final String BATCH_MAX_SIZE = "batch.max.size";
    public static final String BATCH_MAX_WAIT_MS = "batch.max.wait.ms";
    public static final String BATCH_LENGTH_GROUP_SIZE = "batch.length.group.size";
    public static final String MAX_TEXT_BYTES = "max.text.bytes";
    public static final String MODEL_SOURCE = "model.source";
    /** Empty: the model's own labels. Otherwise a head for these labels (fresh, untrained, if the model's differ). */
    public static final String MODEL_LABELS = "model.labels";
    public static final String MODEL_DEVICE = "model.device";
    public static final String MODEL_PRECISION = "model.precision";
    public static final String HTTP_PORT = "http.port";
    /** Compacted topic of ModelUpdates, keyed by model name; every instance follows all of it. */
    public static final String TOPIC_MODEL_UPDATES = "topic.model.updates";
    /** The key of this app's model on the update topic. */
    public static final String MODEL_NAME = "model.name";
    /** Where artifacts announced with http(s): URIs are downloaded to. */
    public static final String MODEL_DOWNLOAD_DIR = "model.download.dir";

    private static final Map<String, String> DEFAULTS = Map.ofEntries(
            Map.entry(BOOTSTRAP_SERVERS, "localhost:9092"),
            Map.entry(APPLICATION_ID, "triage-stream"),
            Map.entry(PROCESSING_GUARANTEE, "exactly_once_v2"),
            Map.entry(TOPIC_INPUT, "triage.text-events"),
            Map.entry(TOPIC_OUTPUT, "triage.classified"),
            Map.entry(TOPIC_DEAD_LETTER, "triage.dead-letter"),
            Map.entry(ROUTING_ENABLED, "false"),
            Map.entry(TOPIC_ROUTE_PREFIX, "triage.classified."),
            Map.entry(TOPIC_PARTITIONS, "1"),
            Map.entry(INPUT_FORMAT, "avro"),
            Map.entry(OUTPUT_FORMAT, "avro"),
            Map.entry(REGISTRY_URL, "http://localhost:8081/apis/registry/v2"),
            Map.entry(BATCH_MAX_SIZE, "64"),
            Map.entry(BATCH_MAX_WAIT_MS, "10"),
            Map.entry(BATCH_LENGTH_GROUP_SIZE, "16"),
            Map.entry(MAX_TEXT_BYTES, "65536"),
            Map.entry(MODEL_SOURCE, "minilm"),
            Map.entry(MODEL_LABELS, ""),
            Map.entry(MODEL_DEVICE, "auto"),
            Map.entry(MODEL_PRECISION, "fp32"),
            Map.entry(HTTP_PORT, "8080"),
            Map.entry(TOPIC_MODEL_UPDATES, "triage.model-updates"),
            Map.entry(MODEL_NAME, "triage"),
            Map.entry(MODEL_DOWNLOAD_DIR, System.getProperty("java.io.tmpdir") + "/triage-models"));

    private final Properties values;

    private StreamAppConfig(Properties values) {
        this.values = values;
    }

    /** Defaults, then {@code file} (may be null), then {@code TRIAGE_*} variables from {@code env}. */
    public static StreamAppConfig load(Path file, Map<String, String> env) throws IOException {
        Properties p = new Properties();
        p.putAll(DEFAULTS);
        if (file != null) {
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            }
        }
        env.forEach((name, value) -> {
            if (name.startsWith(ENV_PREFIX) && name.length() > ENV_PREFIX.length()) {
                p.setProperty(name.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.'), value);
            }
        });
        return new StreamAppConfig(p);
    }

    /** Defaults plus the given overrides; for tests and embedded use. */
    public static StreamAppConfig of(Map<String, String> overrides) {
        Properties p = new Properties();
        p.putAll(DEFAULTS);
        p.putAll(overrides);
        return new StreamAppConfig(p);
    }

    public StreamAppConfig with(String key, String value) {
        Properties p = new Properties();
        p.putAll(values);
        p.setProperty(key, value);
        return new StreamAppConfig(p);
    }

    public String get(String key) {
        String v = values.getProperty(key);
        if (v == null) {
            throw new IllegalArgumentException("missing setting '" + key + "'");
        }
        return v.trim();
    }

    public int getInt(String key, int min) {
        int v;
        try {
            v = Integer.parseInt(get(key));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("setting '" + key + "' must be an integer, got '" + get(key) + "'");
        }
        if (v < min) {
            throw new IllegalArgumentException("setting '" + key + "' must be >= " + min + ", got " + v);
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

    public List<String> getList(String key) {
        return Arrays.stream(get(key).split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** Settings for a plain Kafka client of the app: the bootstrap servers plus every {@code kafka.*} setting. */
    public Map<String, Object> clientConfig() {
        Map<String, Object> out = new java.util.HashMap<>();
        out.put("bootstrap.servers", get(BOOTSTRAP_SERVERS));
        kafkaPassThrough().forEach((k, v) -> out.put((String) k, v));
        return out;
    }

    /** The {@code kafka.*} settings with the prefix removed: passed through to Kafka Streams and its clients. */
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
