package io.triage.deploy;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.triage.model.drift.DriftCounts;
import io.triage.model.drift.ReferenceProfile;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.triage.stream.ops.ShadowMeters;
import io.triage.stream.ops.StreamMetrics;
import io.triage.trainer.rollback.LiveAccuracy;
import io.triage.trainer.service.FeedbackStore;
import io.triage.trainer.service.RunOutcome;
import io.triage.trainer.service.TrainerMetrics;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * The metric names the apps' /metrics endpoints show, read from Prometheus scrapes of the apps' own meter classes
 * (every recording method called once, so that tagged meters exist) and of Kafka Streams' client metrics as the
 * stream app binds them. No broker is needed: the clients register their metrics when they are created.
 */
final class ExportedMetrics {
    private ExportedMetrics() {}

    static Set<String> streamApp(Path stateDir) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        StreamMetrics metrics = new StreamMetrics(registry);
        metrics.batch(4, 1_000_000);
        metrics.classified(12);
        metrics.deadLetter("INPUT", "UNDECODABLE");
        metrics.modelUpdate("swapped");
        metrics.servingModel("triage", "v1");
        metrics.shadow().begin("triage", "v2", () -> new ShadowMeters.Counts(10, 9, 0, 0));
        DriftCounts reference = new DriftCounts(2);
        reference.add(0, 0, 0, 1);
        metrics.drift().serving("triage", "v1", List.of("a", "b"),
                Optional.of(ReferenceProfile.of(List.of("a", "b"), reference)));
        StreamsBuilder topology = new StreamsBuilder();
        topology.stream("in").to("out");
        Properties props = new Properties();
        props.putAll(Map.of(StreamsConfig.APPLICATION_ID_CONFIG, "metric-names",
                StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9", StreamsConfig.STATE_DIR_CONFIG,
                stateDir.toString()));
        try (KafkaStreams streams = new KafkaStreams(topology.build(), props)) {
            metrics.bindClients(streams);
            return names(registry.scrape());
        } finally {
            registry.close();
        }
    }

    static Set<String> trainer(Path dataDir) throws IOException {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (FeedbackStore store = FeedbackStore.open(dataDir, FeedbackStore.Limits.UNBOUNDED)) {
            TrainerMetrics metrics = new TrainerMetrics(registry, store);
            metrics.feedback("new");
            metrics.run(RunOutcome.Status.PROMOTED, Duration.ofSeconds(1));
            metrics.published(0.9);
            LiveAccuracy live = new LiveAccuracy(1);
            live.served("e1", "v1", "praise");
            live.labeled("e1", "praise");
            metrics.liveLabel("triage", "v1", live);
            metrics.rolledBack("triage", "v2", "v1");
            metrics.shadowVerdict("triage", false, "LABEL_COLLAPSED");
            return names(registry.scrape());
        } finally {
            registry.close();
        }
    }

    /** The sample names of a text-format scrape: {@code name{labels} value} or {@code name value}. */
    static Set<String> names(String scrape) {
        Set<String> names = new TreeSet<>();
        for (String line : scrape.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int end = 0;
            while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
                end++;
            }
            names.add(line.substring(0, end));
        }
        return names;
    }
}
