package io.triage.model.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PercentilesTest {

    @Test
    void nearestRankOfUnsortedValuesLeavesThemAsTheyWere() {
        long[] values = {50, 10, 40, 20, 30, 100, 90, 60, 80, 70};
        long[] copy = values.clone();
        assertEquals(50, Percentiles.of(values, 50));
        assertEquals(100, Percentiles.of(values, 99));
        assertEquals(10, Percentiles.of(values, 1));
        assertEquals(100, Percentiles.of(values, 100));
        assertArrayEquals(copy, values);
    }

    @Test
    void sortedValuesAreReadInPlaceAndNoneGiveNaN() {
        assertEquals(3, Percentiles.ofSorted(new long[] {1, 2, 3, 4}, 75));
        assertTrue(Double.isNaN(Percentiles.of(new long[0], 50)));
        assertTrue(Double.isNaN(Percentiles.ofSorted(new long[0], 99)));
    }
}
