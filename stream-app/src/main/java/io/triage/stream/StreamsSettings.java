package io.triage.stream;

import io.triage.stream.config.StreamAppConfig;
import org.apache.kafka.streams.StreamsConfig;

import java.util.Properties;

import static io.triage.stream.config.StreamAppConfig.*;

/** Kafka Streams properties from the app's settings. */
public final class StreamsSettings {
    private StreamsSettings() {}

    public static Properties from(StreamAppConfig config) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.get(APPLICATION_ID));
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.get(BOOTSTRAP_SERVERS));
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, config.get(PROCESSING_GUARANTEE));
        // One stream thread: PyTorch spreads each forward pass over all cores already (see ModelBatchClassifier).
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        // Poll no longer than a batch may wait, so that the wall-clock punctuator runs on time on a quiet topic.
        p.put(StreamsConfig.POLL_MS_CONFIG, Math.max(1, config.getInt(BATCH_MAX_WAIT_MS, 0)));
        // Under exactly-once, results become visible to read_committed consumers only at a commit: commit often
        // enough that the commit interval does not dominate end-to-end latency (Streams' EOS default is 100 ms).
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 20);
        p.put(StreamsConfig.producerPrefix("linger.ms"), 1);
        p.putAll(config.kafkaPassThrough()); // last: an operator's kafka.* settings win
        return p;
    }
}
