package io.triage.model.drift;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** PSI and the drift bins against values worked out by hand. */
class PsiTest {
    private static final double EPS = 1e-4;

    @Test
    void equalDistributionsHaveNoDrift() {
        assertEquals(0, Psi.of(new double[] {0.2, 0.3, 0.5}, new double[] {0.2, 0.3, 0.5}, EPS), 1e-12);
    }

    @Test
    void aShiftOfAQuarterBetweenTwoBins() {
        // (0.25 - 0.5) ln(0.25 / 0.5) + (0.75 - 0.5) ln(0.75 / 0.5) = 0.25 ln 2 + 0.25 ln 1.5
        double expected = 0.25 * Math.log(2) + 0.25 * Math.log(1.5);
        assertEquals(0.274653, expected, 1e-6);
        assertEquals(expected, Psi.of(new double[] {0.5, 0.5}, new double[] {0.25, 0.75}, EPS), 1e-12);
        assertEquals(expected, Psi.of(new double[] {0.25, 0.75}, new double[] {0.5, 0.5}, EPS), 1e-12, "symmetric");
    }

    @Test
    void anEmptyBinCountsAsEpsilonInsteadOfInfinity() {
        // bin 2 is empty in the reference: (0.5 - 1) ln(0.5 / 1) + (0.5 - 1e-4) ln(0.5 / 1e-4)
        double expected = 0.5 * Math.log(2) + (0.5 - EPS) * Math.log(0.5 / EPS);
        assertEquals(4.604319, expected, 1e-6);
        assertEquals(expected, Psi.of(new double[] {1, 0}, new double[] {0.5, 0.5}, EPS), 1e-12);
        // both empty: that bin adds nothing
        assertEquals(0, Psi.of(new double[] {1, 0}, new double[] {1, 0}, EPS), 1e-12);
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Psi.of(new double[2], new double[3], EPS));
        assertThrows(IllegalArgumentException.class, () -> Psi.of(new double[2], new double[2], 0));
    }

    @Test
    void sharesOfCounts() {
        assertArrayEquals(new double[] {0.25, 0, 0.75}, Psi.shares(new long[] {1, 0, 3}), 1e-12);
        assertArrayEquals(new double[] {0, 0}, Psi.shares(new long[] {0, 0}), 1e-12);
    }

    @Test
    void confidenceBinsAreTenthsWithTheEndsClamped() {
        assertEquals(0, DriftBins.confidence(0));
        assertEquals(0, DriftBins.confidence(0.0999));
        assertEquals(1, DriftBins.confidence(0.1));
        assertEquals(9, DriftBins.confidence(0.95));
        assertEquals(9, DriftBins.confidence(1.0));
        assertEquals(9, DriftBins.confidence(7));
        assertEquals(0, DriftBins.confidence(Double.NaN));
        assertEquals(0, DriftBins.confidence(-1));
    }

    @Test
    void lengthBinsDoubleUpTo256() {
        assertEquals(0, DriftBins.length(0));
        assertEquals(0, DriftBins.length(7));
        assertEquals(1, DriftBins.length(8));
        assertEquals(5, DriftBins.length(255));
        assertEquals(6, DriftBins.length(256));
        assertEquals(6, DriftBins.length(100_000));
        assertEquals(DriftBins.LENGTH_BINS - 1, DriftBins.length(Integer.MAX_VALUE));
    }
}
