package io.triage.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The alerting rules and Prometheus' configuration as the real {@code promtool} sees them: the rules parse, their unit
 * tests ({@code deploy/prometheus/alerts_test.yml}) pass, and the configuration compose mounts loads the rules.
 */
class PrometheusRulesTest {
    static final String RULES = "deploy/prometheus/alerts.yml", RULE_TESTS = "deploy/prometheus/alerts_test.yml";
    private static final String CONFIG_DIR = "/etc/prometheus/";
    private static Path promtool;

    @BeforeAll
    static void findPromtool() {
        promtool = Promtool.find();
        if (promtool == null) {
            assertTrue(Promtool.mayBeMissing(), "promtool is not on the PATH in CI: .ci/run installs the Debian package "
                    + "prometheus");
            assumeTrue(false, "promtool is not installed (apt-get install prometheus); CI runs these tests");
        }
    }

    @Test
    void rulesAreValid() throws Exception {
        Promtool.Result result = Promtool.run(promtool, Repo.root(), "check", "rules", RULES);
        assertEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().contains("SUCCESS"), result.output());
    }

    @Test
    void rulesPassTheirUnitTests() throws Exception {
        Promtool.Result result = Promtool.run(promtool, Repo.path(RULE_TESTS).getParent(), "test", "rules",
                Path.of(RULE_TESTS).getFileName().toString());
        assertEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().contains("SUCCESS"), result.output());
    }

    /** Lays out the files compose mounts under /etc/prometheus, as the container sees them, and checks the config. */
    @Test
    void composesPrometheusLoadsTheRules(@TempDir Path etc) throws Exception {
        JsonNode volumes = Compose.read(ComposeTest.COMPOSE).service("prometheus").path("volumes");
        boolean rulesMounted = false;
        for (JsonNode volume : volumes) {
            String[] parts = volume.asText().split(":");
            assertTrue(parts[1].startsWith(CONFIG_DIR), volume.asText());
            Files.copy(Repo.path(parts[0]), etc.resolve(parts[1].substring(CONFIG_DIR.length())));
            rulesMounted |= Repo.path(parts[0]).normalize().equals(Repo.path(RULES));
        }
        assertTrue(rulesMounted, RULES + " is mounted into the Prometheus container: " + volumes);
        Promtool.Result result = Promtool.run(promtool, etc, "check", "config", "prometheus.yml");
        assertEquals(0, result.exitCode(), result.output());
        int rules = 0;
        for (JsonNode group : Compose.parse(RULES).path("groups")) {
            rules += group.path("rules").size();
        }
        assertTrue(result.output().contains("SUCCESS: " + rules + " rules found"),
                "the config loads all " + rules + " rules: " + result.output());
    }
}
