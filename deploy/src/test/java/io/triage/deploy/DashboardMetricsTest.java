package io.triage.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The Grafana dashboard and the alerting rules query only metrics the apps export (names from scrapes of the apps'
 * meters, {@link ExportedMetrics}), and compose provisions Grafana with that dashboard on its Prometheus.
 */
class DashboardMetricsTest {
    static final String DASHBOARD = "deploy/grafana/dashboards/triage.json";
    /**
     * Metrics that the dashboard and alerts already show but no app exports yet (none now: automatic rollback and
     * live accuracy have landed). Kept explicit so that each is removed from here when its feature lands (the test
     * fails if one of them is exported while still listed).
     */
    private static final Set<String> NOT_YET_EXPORTED = Set.of();

    private static final Set<String> exported = new TreeSet<>();

    @BeforeAll
    static void scrapeTheApps(@TempDir Path dir) throws IOException {
        exported.addAll(ExportedMetrics.streamApp(dir.resolve("streams")));
        exported.addAll(ExportedMetrics.trainer(dir.resolve("trainer")));
    }

    @Test
    void theScrapesHoldTheAppsMetrics() {
        // guards the scrape itself: a binder that registered nothing would make every check below vacuous
        for (String name : List.of("triage_events_classified_total", "triage_end_to_end_latency_seconds_bucket",
                "triage_trainer_examples", "kafka_consumer_fetch_manager_records_lag_max")) {
            assertTrue(exported.contains(name), name + " in " + exported);
        }
    }

    @Test
    void everyDashboardQueryUsesExportedMetrics() throws IOException {
        assertEquals(Map.of(), unexported(dashboardQueries()), "panels querying metrics no app exports");
    }

    @Test
    void everyAlertUsesExportedMetrics() {
        Map<String, String> alerts = new TreeMap<>();
        for (JsonNode group : Compose.parse(PrometheusRulesTest.RULES).path("groups")) {
            group.path("rules").forEach(r -> alerts.put(r.path("alert").asText(), r.path("expr").asText()));
        }
        assertEquals(Map.of(), unexported(alerts), "alerts on metrics no app exports");
    }

    @Test
    void aQueryOfAMetricNoAppExportsIsCaught() {
        assertEquals(Map.of("typo", Set.of("triage_events_clasified_total")),
                unexported(Map.of("typo", "sum(rate(triage_events_clasified_total[5m]))")));
    }

    /** Per query (by name) the metrics it selects that no app exports; a query selecting no metric fails. */
    private static Map<String, Set<String>> unexported(Map<String, String> queries) {
        Map<String, Set<String>> unknown = new TreeMap<>();
        queries.forEach((name, expr) -> {
            Set<String> names = PromQl.metricNames(expr);
            assertFalse(names.isEmpty(), name + " queries no metric: " + expr);
            names.removeAll(exported);
            names.removeAll(NOT_YET_EXPORTED);
            if (!names.isEmpty()) {
                unknown.put(name, names);
            }
        });
        return unknown;
    }

    @Test
    void pendingMetricsAreListedOnlyUntilExported() {
        Set<String> landed = new TreeSet<>(NOT_YET_EXPORTED);
        landed.retainAll(exported);
        assertEquals(Set.of(), landed, "exported now: remove from NOT_YET_EXPORTED");
    }

    @Test
    void theDashboardShowsWhatIssue21AsksFor() throws IOException {
        Set<String> used = new TreeSet<>();
        dashboardQueries().values().forEach(q -> used.addAll(PromQl.metricNames(q)));
        for (String name : List.of("triage_events_classified_total", "triage_end_to_end_latency_seconds_bucket",
                "kafka_consumer_fetch_manager_records_lag_max", "triage_batch_size_bucket", "triage_dead_letters_total",
                "triage_model_updates_total", "triage_model_serving", "triage_drift_label_psi",
                "triage_drift_confidence_psi", "triage_drift_length_psi", "triage_trainer_live_accuracy")) {
            assertTrue(used.contains(name), "the dashboard shows " + name);
        }
    }

    @Test
    void composeProvisionsGrafanaWithTheDashboardOnItsPrometheus() throws IOException {
        Compose compose = Compose.read(ComposeTest.COMPOSE);
        assertTrue(compose.image("grafana").matches("grafana/grafana:\\d+\\.\\d+\\.\\d+"),
                "a pinned Grafana image: " + compose.image("grafana"));
        List<String> volumes = new ArrayList<>();
        compose.service("grafana").path("volumes").forEach(v -> volumes.add(v.asText()));
        assertTrue(volumes.contains("./deploy/grafana/provisioning:/etc/grafana/provisioning:ro"), volumes.toString());
        JsonNode provider = Compose.parse("deploy/grafana/provisioning/dashboards/triage.yml").path("providers").get(0);
        String dashboards = provider.path("options").path("path").asText();
        assertTrue(volumes.contains("./deploy/grafana/dashboards:" + dashboards + ":ro"),
                "the provider reads the folder the dashboards are mounted at: " + volumes);

        JsonNode datasource = Compose.parse("deploy/grafana/provisioning/datasources/prometheus.yml")
                .path("datasources").get(0);
        String prometheusPort = compose.service("prometheus").path("ports").get(0).asText().split(":")[1];
        assertEquals("http://prometheus:" + prometheusPort, datasource.path("url").asText());
        Set<String> uids = new TreeSet<>();
        for (JsonNode panel : dashboard().path("panels")) {
            if (!panel.path("type").asText().equals("row")) {
                uids.add(panel.path("datasource").path("uid").asText());
                panel.path("targets").forEach(t -> uids.add(t.path("datasource").path("uid").asText()));
            }
        }
        assertEquals(Set.of(datasource.path("uid").asText()), uids, "every panel uses the provisioned datasource");
    }

    private static JsonNode dashboard() throws IOException {
        return new ObjectMapper().readTree(Repo.read(DASHBOARD));
    }

    /** Each panel target's query, keyed by panel title and target id. */
    private static Map<String, String> dashboardQueries() throws IOException {
        Map<String, String> queries = new TreeMap<>();
        for (JsonNode panel : dashboard().path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                queries.put(panel.path("title").asText() + " " + target.path("refId").asText(),
                        target.path("expr").asText());
            }
        }
        return queries;
    }
}
