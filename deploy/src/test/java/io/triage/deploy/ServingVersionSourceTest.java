package io.triage.deploy;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.triage.console.StreamAppInstances;
import io.triage.stream.ops.StreamMetrics;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The console's Models page reads which version a stream app serves from its /metrics: checked here against the
 * stream app's own meters (the console cannot depend on the stream app), so a renamed gauge fails a test.
 */
class ServingVersionSourceTest {
    @Test
    void theConsoleReadsTheVersionTheStreamAppsMetricsSayItServes() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        StreamMetrics metrics = new StreamMetrics(registry);
        assertEquals(Optional.empty(), StreamAppInstances.servingVersion(registry.scrape(), "triage"));
        metrics.servingModel("triage", "3");
        metrics.servingModel("triage", "4");
        assertEquals(Optional.of("4"), StreamAppInstances.servingVersion(registry.scrape(), "triage"),
                "the swapped-to version, not the one before");
        assertEquals(Optional.empty(), StreamAppInstances.servingVersion(registry.scrape(), "other"));
        registry.close();
    }
}
