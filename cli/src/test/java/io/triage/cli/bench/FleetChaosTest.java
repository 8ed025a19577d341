package io.triage.cli.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The chaos run ({@link ChaosRun}) on a modest load, for CI: an instance SIGKILLed and restarted, a fourth joining
 * while an update is published and leaving by SIGTERM, a partition leader stopped and restarted, the registry
 * restarted, the trainer dying mid-publish and repairing its store on restart. A read_committed reader then checks
 * that every input has exactly one result (none lost, none duplicated, no dead letter), that each key's order is
 * kept, that no partition's model version moves backwards nor comes from the version never announced, and that
 * the whole fleet serves each update within {@link #UPDATE_BOUND} of its publication.
 *
 * <p>The load is modest (CI machines have two cores for everything): 30 events/s over 24 keys.
 */
class FleetChaosTest {
    private static final Logger LOG = LoggerFactory.getLogger(FleetChaosTest.class);
    /** Every partition serves an update (or a later one) within this long of its publication, and only it after. */
    static final Duration UPDATE_BOUND = Duration.ofSeconds(90);
    private static final Duration SETTLE = Duration.ofSeconds(3);

    @TempDir
    Path dir;

    @Test
    void everyEventExactlyOnceThroughInstanceBrokerRegistryAndTrainerFaults() throws Exception {
        long started = System.nanoTime();
        ChaosRun.Result result;
        String logs;
        try (ChaosRun run = new ChaosRun(new ChaosRun.Settings(dir, 30, 24, SETTLE, 1))) {
            logs = run.logs();
            result = run.run();
        }
        LOG.info("chaos run in {} s:\n{}", Duration.ofNanos(System.nanoTime() - started).toSeconds(),
                ChaosReport.of(result, SETTLE));

        FleetAudit audit = new FleetAudit(result);
        assertEquals(List.of(), audit.lost(), "lost events; see " + logs);
        assertEquals(Map.of(), audit.duplicated(), "duplicated events; see " + logs);
        assertEquals(result.sent(), result.outputs().size(), "one result per event, no dead letter");
        assertEquals(List.of(), audit.outOfOrder(), "per-key order");
        assertEquals(List.of(), audit.versionsBack(), "model versions only move forward on every partition");
        assertEquals(2, result.updates().size(), "the update published mid-rebalance and the repaired trainer's");
        assertEquals(List.of("v2"), result.unannounced(), "the crashed publish saved v2 and never announced it");
        assertEquals("v3", result.updates().get(1).version(), "the restarted trainer does not reuse v2's number");
        for (ChaosRun.Update u : result.updates()) {
            Duration swap = audit.fleetSwap(u);
            assertNotNull(swap, u.version() + " never served on some partition");
            assertTrue(swap.compareTo(UPDATE_BOUND) <= 0, u.version() + " took " + swap + " to serve everywhere");
        }
        assertEquals(List.of(), audit.staleAfter(UPDATE_BOUND), "results from an older version after the bound");
    }
}
