package io.triage.stream.ops;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.triage.model.drift.DriftBins;
import io.triage.model.drift.DriftCounts;
import io.triage.model.drift.ReferenceProfile;
import io.triage.model.infer.Classification;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

/** The sliding window behind the drift gauges: what it counts, what it drops, and which version it belongs to. */
class DriftMonitorTest {
    private static final List<String> LABELS = List.of("neg", "pos");

    /** Reference: half neg, half pos, all at confidence 0.95 and 12 tokens. */
    private static ReferenceProfile reference() {
        DriftCounts counts = new DriftCounts(2);
        counts.add(0, DriftBins.confidence(0.95), DriftBins.length(12), 1);
        counts.add(1, DriftBins.confidence(0.95), DriftBins.length(12), 1);
        return ReferenceProfile.of(LABELS, counts);
    }

    private static Classification result(String label, String version, int tokens) {
        return new Classification(label, 0.95f, Map.of(), version, tokens);
    }

    @Test
    void theWindowSlidesAndThePsiFollowsIt() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        DriftMonitor drift = new DriftMonitor(registry, new DriftSettings(4, 4, 1e-4));
        drift.serving("m", "v1", LABELS, Optional.of(reference()));
        drift.observe(result("neg", "v1", 12));
        drift.observe(result("pos", "v1", 12));
        drift.observe(result("neg", "v1", 12));
        assertTrue(Double.isNaN(drift.psi("label")), "3 events, fewer than drift.min.events");
        drift.observe(result("pos", "v1", 12));
        assertEquals(0, drift.psi("label"), 1e-12);
        assertEquals(0, drift.psi("length"), 1e-12);
        assertEquals(0, registry.get(DriftMonitor.LABEL_PSI).tag("version", "v1").gauge().value(), 1e-12);

        // four pos push every neg out: shares (1e-4 floor, 1) against (0.5, 0.5)
        for (int i = 0; i < 4; i++) {
            drift.observe(result("pos", "v1", 12));
        }
        double expected = (1e-4 - 0.5) * Math.log(1e-4 / 0.5) + 0.5 * Math.log(2);
        assertEquals(expected, drift.psi("label"), 1e-9);
        assertEquals(0, drift.psi("confidence"), 1e-12);
    }

    @Test
    void resultsOfAnotherVersionOrWithoutATokenCountAreLeftOut() {
        DriftMonitor drift = new DriftMonitor(new SimpleMeterRegistry(), new DriftSettings(2, 1, 1e-4));
        drift.serving("m", "v1", LABELS, Optional.of(reference()));
        drift.observe(result("neg", "v0", 12));
        drift.observe(result("neg", "v1", -1));
        drift.observe(result("unknown", "v1", 12));
        assertTrue(Double.isNaN(drift.psi("label")), "nothing counted");
    }

    @Test
    void aNewVersionReplacesTheOldOnesGaugesAndOneWithoutAReferenceHasNone() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        DriftMonitor drift = new DriftMonitor(registry, DriftSettings.DEFAULTS);
        drift.serving("m", "v1", LABELS, Optional.of(reference()));
        assertNotNull(registry.find(DriftMonitor.LENGTH_PSI).tag("version", "v1").gauge());
        drift.serving("m", "v2", LABELS, Optional.empty());
        assertNull(registry.find(DriftMonitor.LENGTH_PSI).gauge(), "v1's gauges are gone, v2 has none");
        drift.serving("m", "v3", List.of("other", "labels"), Optional.of(reference()));
        assertNull(registry.find(DriftMonitor.LENGTH_PSI).gauge(), "a reference of other labels is not used");
    }

    @Test
    void settingsOutOfRangeAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new DriftSettings(10, 11, 1e-4));
        assertThrows(IllegalArgumentException.class, () -> new DriftSettings(0, 0, 1e-4));
        assertThrows(IllegalArgumentException.class, () -> new DriftSettings(10, 5, 0));
    }
}
