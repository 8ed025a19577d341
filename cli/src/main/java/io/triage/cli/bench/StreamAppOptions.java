package io.triage.cli.bench;

import io.triage.embedded.EmbeddedKafka;
import io.triage.embedded.EmbeddedRegistry;
import io.triage.stream.config.StreamAppSettings;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static io.triage.stream.config.StreamAppSettings.*;

/** The options of the benchmarks that run the stream app ({@code bench stream}, {@code bench swap}): its settings. */
final class StreamAppOptions {
    @Option(names = "--batch-size", defaultValue = "64", description = "batch.max.size (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--max-wait-ms", defaultValue = "10", description = "batch.max.wait.ms (default: ${DEFAULT-VALUE}).")
    int maxWaitMs;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Any other stream app setting, e.g. kafka.commit.interval.ms=50.")
    Map<String, String> extra = new HashMap<>();

    /**
     * The app's settings on the embedded broker and registry, classifying the emotion labels without an ops port:
     * these options, then the benchmark's own settings, then those given with {@code --set}.
     */
    StreamAppSettings config(EmbeddedKafka kafka, EmbeddedRegistry registry, String applicationId, Path stateDir,
                           Map<String, String> own) {
        return config(kafka.bootstrapServers(), registry, applicationId, stateDir, own);
    }

    /** {@link #config(EmbeddedKafka, EmbeddedRegistry, String, Path, Map)} on any broker. */
    StreamAppSettings config(String bootstrapServers, EmbeddedRegistry registry, String applicationId, Path stateDir,
                           Map<String, String> own) {
        Map<String, String> settings = new HashMap<>(Map.of(
                BOOTSTRAP_SERVERS, bootstrapServers, REGISTRY_URL, registry.apiV2Url(),
                APPLICATION_ID, applicationId, MODEL_LABELS, String.join(",", BenchTexts.EMOTIONS),
                BATCH_MAX_SIZE, String.valueOf(batchSize), BATCH_MAX_WAIT_MS, String.valueOf(maxWaitMs),
                HTTP_PORT, "-1", "kafka.state.dir", stateDir.toString()));
        settings.putAll(own);
        settings.putAll(extra);
        return StreamAppSettings.of(settings);
    }
}
