package io.triage.stream.config;

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
 * The stream app's settings: defaults, overridden by a properties file, overridden by environment variables.
 *
 * <p>An environment variable {@code TRIAGE_BATCH_MAX_SIZE} sets {@code batch.max.size}: strip {@code TRIAGE_},
 * lower-case, underscores become dots. Every key under {@code kafka.} goes to Kafka Streams and its clients as it
 * is (minus the prefix), so security settings need no code here: {@code TRIAGE_KAFKA_SECURITY_PROTOCOL=SASL_SSL},
 * {@code TRIAGE_KAFKA_SASL_JAAS_CONFIG=...}.
 */
public final class StreamAppSettings extends ConfigValues {

    public static final String APPLICATION_ID = "application.id";
    public static final String INSTANCE_ID = "instance.id";
    public static final String STANDBY_REPLICAS = "standby.replicas";
    public static final String PARTITION_VERSION_WAIT_MS = "partition.version.wait.ms";
    public static final String PROCESSING_GUARANTEE = "processing.guarantee";
    public static final String TOPIC_INPUT = "topic.input";
    public static final String TOPIC_OUTPUT = "topic.output";
    public static final String ROUTING_ENABLED = "routing.enabled";
    public static final String TOPIC_ROUTE_PREFIX = "topic.route.prefix";
    public static final String INPUT_FORMAT = "input.format";
    public static final String OUTPUT_FORMAT = "output.format";
    public static final String BATCH_MAX_SIZE = "batch.max.size";
    public static final String BATCH_MAX_WAIT_MS = "batch.max.wait.ms";
    public static final String BATCH_IDLE_DISPATCH = "batch.idle.dispatch";
    public static final String BATCH_PICKUP_MS = "batch.pickup.ms";
    public static final String BATCH_LENGTH_GROUP_SIZE = "batch.length.group.size";
    public static final String MODEL_SOURCE = "model.source";
    public static final String MODEL_ENGINE = "model.engine";
    public static final String MODEL_PRECISION = "model.precision";
    public static final String MODEL_CPU_THREADS = "model.cpu.threads";
    public static final String MODEL_LONG_INPUT = "model.long.input";
    public static final String MODEL_LONG_INPUT_STRIDE = "model.long.input.stride";
    public static final String MODEL_LABEL_THRESHOLDS = "model.label.thresholds";
    public static final String DRIFT_WINDOW_EVENTS = "drift.window.events", DRIFT_MIN_EVENTS = "drift.min.events",
            DRIFT_EPSILON = "drift.epsilon";
    public static final String REVIEW_TOPIC = "review.topic";
    public static final String REVIEW_THRESHOLD = "review.threshold";
    public static final String REVIEW_MARGIN = "review.margin";
    public static final String REVIEW_SAMPLE = "review.sample";
    public static final String SHADOW_SAMPLE = "shadow.sample", SHADOW_QUEUE_BATCHES = "shadow.queue.batches",
            SHADOW_REPORT_MS = "shadow.report.ms", SHADOW_MAX_MS = "shadow.max.ms",
            TOPIC_SHADOW_REPORTS = "topic.shadow.reports";

    /**
     * Every setting with its default and meaning, in the order docs/configuration.md lists them (generated from
     * this list by the deploy module; the deployment manifests are checked against it).
     */
    public static final DocumentedSettings SETTINGS = new DocumentedSettings("Stream app", ENV_PREFIX, List.of(
            SharedSettings.BOOTSTRAP,
            new Setting(APPLICATION_ID, "triage-stream", "Kafka Streams application id: the consumer group of the "
                    + "input topic and the prefix of the internal topics."),
            new Setting(INSTANCE_ID, "", "Static group membership (`group.instance.id`): a name unique to this "
                    + "instance and kept across its restarts, e.g. the StatefulSet pod's name; a restart within "
                    + "`kafka.session.timeout.ms` then moves no partition. Empty: dynamic membership, and a stopped "
                    + "instance leaves the group at once."),
            new Setting(STANDBY_REPLICAS, "1", "Warm copies of each task's batch buffer on other instances "
                    + "(`num.standby.replicas`): a failed instance's partitions resume without replaying the "
                    + "buffer's changelog. Needs that many more instances to take effect."),
            new Setting(PARTITION_VERSION_WAIT_MS, "60000", "How long a partition that moved to this instance "
                    + "waits, at most, for it to serve the model version the partition was already served with (an "
                    + "update still loading here), so that a partition's versions only move forward."),
            new Setting(PROCESSING_GUARANTEE, "exactly_once_v2", "Kafka Streams processing guarantee; keep "
                    + "`exactly_once_v2`: nothing lost or duplicated across crashes."),
            new Setting(TOPIC_INPUT, "triage.text-events", "Topic of the text events to classify; created at start "
                    + "if missing."),
            new Setting(TOPIC_OUTPUT, "triage.classified", "Topic of every result (`ClassifiedEvent`); created at "
                    + "start if missing."),
            SharedSettings.DEAD_LETTER_TOPIC,
            SharedSettings.DEAD_LETTER_MAX_BYTES,
            new Setting(ROUTING_ENABLED, "false", "`true`: also write each result to `<topic.route.prefix><label>`."),
            new Setting(TOPIC_ROUTE_PREFIX, "triage.classified.", "Prefix of the per-label topics when routing is "
                    + "enabled."),
            new Setting(TOPIC_PARTITIONS, "1", "Partitions of the topics the app creates; the input topic's "
                    + "partitions bound the replicas that share the work."),
            new Setting(INPUT_FORMAT, "avro", "`avro` (TextEvent, Confluent wire format via the registry), `json` "
                    + "(`{\"text\": ...}`) or `text` (the value is the text)."),
            new Setting(OUTPUT_FORMAT, "avro", "`avro` (via the registry) or `json` (Avro's JSON encoding)."),
            SharedSettings.REGISTRY,
            SharedSettings.AUTO_REGISTER,
            new Setting(BATCH_MAX_SIZE, "64", "Flush a micro-batch when it holds this many events."),
            new Setting(BATCH_MAX_WAIT_MS, "10", "Flush a micro-batch when its oldest event has waited this many "
                    + "milliseconds."),
            new Setting(BATCH_IDLE_DISPATCH, "true", "`true`: when the model has no batch to work on, what is "
                    + "pending goes to it at once, without waiting for `batch.max.wait.ms` (a lone event is not held "
                    + "back; under load batches still grow to what arrives while the model works). `false`: only "
                    + "the size and wait rules."),
            new Setting(BATCH_PICKUP_MS, "2", "How often, at most, the stream thread looks for a batch the model has "
                    + "finished (Kafka Streams' `poll.ms` and a wall-clock punctuator): results wait up to this long "
                    + "to be forwarded. Shorter costs an idle stream thread a little more CPU."),
            new Setting(BATCH_LENGTH_GROUP_SIZE, "16", "Forward passes inside a batch take this many events of "
                    + "similar token length."),
            new Setting(MAX_TEXT_BYTES, "65536", "Longer texts (both segments together, UTF-8) become dead letters."),
            new Setting(MODEL_SOURCE, "minilm", "`minilm` (the bundled default) or a model folder (Triage artifact "
                    + "or Hugging Face checkpoint)."),
            new Setting(MODEL_LABELS, "", "Comma-separated labels for a fresh head; empty: the model's own labels."),
            SharedSettings.DEVICE,
            new Setting(MODEL_ENGINE, "auto", "`auto` (ONNX Runtime for fp32 on the CPU, PyTorch on a GPU or in fp16), "
                    + "`pytorch` or `onnxruntime` (CPU, fp32: a graph built from the artifact's weights at load time)."),
            new Setting(MODEL_PRECISION, "fp32", "`fp32` or `fp16`."),
            new Setting(MODEL_CPU_THREADS, "0", "Cores one forward pass uses on the CPU; `0`: all of them. Fewer "
                    + "leave cores to Kafka and the JVM: lower latency on a busy CPU, lower peak throughput."),
            new Setting(MODEL_LONG_INPUT, "truncate", "Inputs past the model's max length: `truncate` (transformers' "
                    + "`longest_first`) or `window` (overlapping windows, logits averaged; a pair windows its longer "
                    + "segment)."),
            new Setting(MODEL_LONG_INPUT_STRIDE, "64", "Tokens two neighbouring windows share with `window` (at most "
                    + "half a window)."),
            new Setting(MODEL_LABEL_THRESHOLDS, "", "Multi-label models: thresholds replacing the model's own (a "
                    + "label applies when its sigmoid score reaches its threshold), e.g. `0.4` for every label, "
                    + "`toxic=0.3,insult=0.6`, or both; a label the model lacks refuses the model. Empty: the "
                    + "model's thresholds (0.5 unless tuned in training)."),
            new Setting(HTTP_PORT, "8080", "Port of `/metrics` (Prometheus), `/health` and `/ready`; `-1` turns "
                    + "them off."),
            SharedSettings.BIND_ADDRESS,
            SharedSettings.MODEL_UPDATES_TOPIC,
            SharedSettings.NAME,
            SharedSettings.DOWNLOAD_DIR,
            SharedSettings.TRUSTED_KEYS,
            SharedSettings.ALLOW_UNSIGNED,
            SharedSettings.ALLOWED_URIS,
            SharedSettings.ARTIFACT_BYTES,
            SharedSettings.ARTIFACT_TIMEOUT,
            // drift of the serving version against its artifact's reference.json (docs/stream-app.md, Drift)
            new Setting(DRIFT_WINDOW_EVENTS, "1000", "Last events of the serving version that the `triage_drift_*` "
                    + "PSI gauges compare with its reference (a sliding window)."),
            new Setting(DRIFT_MIN_EVENTS, "200", "Events the drift window must hold before the gauges show a value "
                    + "(NaN before: a few events say nothing)."),
            new Setting(DRIFT_EPSILON, "0.0001", "Share an empty bin counts with in the population stability index, "
                    + "so that a bin empty on one side adds a large but finite term."),
            // the review queue that the console reads (docs/console.md)
            new Setting(REVIEW_TOPIC, "triage.review", "Topic of the results a person should label (`ReviewItem`, "
                    + "read by the console), written in the same transaction as the results; created at start if "
                    + "missing. Empty: no review queue."),
            new Setting(REVIEW_THRESHOLD, "0.6", "A result whose top score is under this goes to review "
                    + "(`LOW_SCORE`); `0`: never."),
            new Setting(REVIEW_MARGIN, "0.1", "A result whose two top scores are closer than this goes to review "
                    + "(`SMALL_MARGIN`); `0`: never."),
            new Setting(REVIEW_SAMPLE, "0.01", "Fraction of all results that go to review at random (`SAMPLE`), so "
                    + "that confident mistakes are found too; chosen by a hash of the event id, so a replay picks "
                    + "the same events."),
            new Setting(SHADOW_SAMPLE, "0.2", "Fraction of live events a candidate version (shadow trial, "
                    + "`promotion.mode=shadow` on the trainer) classifies beside the serving one, after their results "
                    + "are out; chosen by a hash of the event id. `0`: this instance runs no shadow trials."),
            new Setting(SHADOW_QUEUE_BATCHES, "4", "Sampled batches waiting for the candidate at most; a full queue "
                    + "drops the batch (counted in the report), so the live path never waits and memory stays bounded."),
            new Setting(SHADOW_REPORT_MS, "5000", "How often this instance sends its shadow-trial figures to the "
                    + "trainer."),
            new Setting(SHADOW_MAX_MS, "1200000", "A candidate no verdict came for is dropped after this long; "
                    + "twice the trainer's `shadow.window.ms`."),
            new Setting(TOPIC_SHADOW_REPORTS, "triage.shadow-reports", "Compacted topic of the shadow-trial figures "
                    + "(`ShadowReport`, key `version/instance`) that the trainer decides on; created if missing when "
                    + "the first candidate arrives, so never with `promotion.mode=direct`.")),
            List.of(new PassThrough(KAFKA_PREFIX, "Given to Kafka Streams and its clients without the prefix "
                    + "(`kafka.security.protocol` sets `security.protocol`), after the app's own Kafka settings, so "
                    + "they win."),
                    SharedSettings.REGISTRY_CLIENT));

    private StreamAppSettings(Properties values) {
        super(values);
    }

    /** Defaults, then {@code file} (may be null), then {@code TRIAGE_*} variables from {@code env}. */
    public static StreamAppSettings load(Path file, Map<String, String> env) throws IOException {
        return new StreamAppSettings(read(SETTINGS, file, env));
    }

    /** Defaults plus the given overrides; for tests and embedded use. */
    public static StreamAppSettings of(Map<String, String> overrides) {
        return new StreamAppSettings(merged(SETTINGS, overrides));
    }

    public StreamAppSettings with(String key, String value) {
        return new StreamAppSettings(copyWith(key, value));
    }
}
