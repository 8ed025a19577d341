package io.triage.stream;

import io.triage.stream.config.StreamAppSettings;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;

import java.util.Optional;
import java.util.Properties;

import static io.triage.stream.config.StreamAppSettings.*;

/** Kafka Streams properties from the app's settings. */
public final class StreamsSettings {
    private StreamsSettings() {}

    public static Properties from(StreamAppSettings config) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.get(APPLICATION_ID));
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.get(BOOTSTRAP_SERVERS));
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, config.get(PROCESSING_GUARANTEE));
        p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, config.getInt(STANDBY_REPLICAS, 0));
        staticMember(config).ifPresent(id -> p.put(StreamsConfig.consumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), id));
        // One stream thread: PyTorch spreads each forward pass over all cores already (see ModelBatchClassifier).
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        // Poll no longer than a batch may wait, nor than a finished batch may wait to be picked up: the wall-clock
        // punctuator that dispatches and picks up batches runs only between polls, and a poll with no new input
        // returns only at its timeout (a finished batch cannot wake it).
        p.put(StreamsConfig.POLL_MS_CONFIG, Math.max(1, Math.min(config.getInt(BATCH_MAX_WAIT_MS, 0),
                config.getInt(BATCH_PICKUP_MS, 1))));
        // Under exactly-once, results become visible to read_committed consumers only at a commit. The processor
        // asks for a commit after each batch it forwards, so results do not wait for this interval; the interval
        // only bounds how long dead letters wait to become visible. Streams' EOS default: each commit is a
        // transaction, work for the broker, and the fewer of them at full load the more CPU stays with the model.
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        p.put(StreamsConfig.producerPrefix("linger.ms"), 1);
        p.putAll(config.kafkaPassThrough()); // last: an operator's kafka.* settings win
        return p;
    }

    /** The instance's static group membership id, when it has one. */
    public static Optional<String> staticMember(StreamAppSettings config) {
        String id = config.get(INSTANCE_ID).strip();
        return id.isEmpty() ? Optional.empty() : Optional.of(id);
    }
}
