package io.triage.model.train;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LinearWarmupDecayTest {
    @Test
    void warmsUpLinearlyThenDecaysToZeroAtTheLastStep() {
        LinearWarmupDecay s = new LinearWarmupDecay(1f, 2, 10, 0);
        assertEquals(0.5f, s.at(1), 1e-7);
        assertEquals(1f, s.at(2), 1e-7);
        assertEquals(7f / 8, s.at(3), 1e-7, "(10 - 3) / (10 - 2)");
        assertEquals(1f / 8, s.at(9), 1e-7);
        assertEquals(0f, s.at(10), 1e-7);
        assertEquals(0f, s.at(12), 1e-7, "never negative");
        assertEquals(s.at(1), s.getNewValue(1), "DJL counts updates from 1");
    }

    @Test
    void anOffsetContinuesTheScheduleOfAResumedRun() {
        assertEquals(new LinearWarmupDecay(2e-5f, 2, 10, 0).at(6), new LinearWarmupDecay(2e-5f, 2, 10, 5).getNewValue(1));
    }

    @Test
    void warmupRatioRoundsUp() {
        LinearWarmupDecay s = LinearWarmupDecay.of(1f, 0.1, 25, 0); // 2.5 → 3 warm-up steps
        assertEquals(1f / 3, s.at(1), 1e-7);
        assertEquals(1f, s.at(3), 1e-7);
        assertEquals(24f / 25, LinearWarmupDecay.of(1f, 0, 25, 0).at(1), 1e-7, "no warm-up: decay from the first step");
        assertThrows(IllegalArgumentException.class, () -> new LinearWarmupDecay(1f, 11, 10, 0));
    }
}
