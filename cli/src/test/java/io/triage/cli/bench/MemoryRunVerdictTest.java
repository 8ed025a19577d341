package io.triage.cli.bench;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongToIntFunction;
import java.util.function.LongUnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MemoryRunVerdictTest {
    /** 100k classifications sampled every 5k, resident memory and live arrays as functions of the count. */
    private static List<MemoryRun.Sample> series(LongUnaryOperator rssMb, LongToIntFunction arrays) {
        List<MemoryRun.Sample> samples = new ArrayList<>();
        for (long done = 0; done <= 100_000; done += 5_000) {
            samples.add(new MemoryRun.Sample(done, done / 100.0, rssMb.applyAsLong(done), 100, arrays.applyAsInt(done), 0));
        }
        return samples;
    }

    @Test
    void aWarmUpRiseThenNoiseIsFlat() {
        // +300 MB while warming up (the first 10%), then ±2 MB of noise
        MemoryRun.Verdict v = MemoryRun.Verdict.of(series(n -> n < 10_000 ? 1200 + n / 33 : 1500 + (n / 5_000) % 3 - 1,
                n -> n < 10_000 ? 7 : 5), 0.1, 4);
        assertTrue(v.flat(), v.line());
        assertEquals(0, v.rssSlopeMbPer10k(), 0.5);
        assertTrue(v.line().startsWith("verdict: FLAT"), v.line());
    }

    @Test
    void residentMemoryGrowingPastTheBoundLeaks() {
        MemoryRun.Verdict v = MemoryRun.Verdict.of(series(n -> 1500 + n / 1_000, n -> 5), 0.1, 4); // 10 MB per 10k
        assertEquals(10, v.rssSlopeMbPer10k(), 1e-6);
        assertFalse(v.flat(), v.line());
        assertTrue(v.line().startsWith("verdict: LEAKS"), v.line());
    }

    @Test
    void oneArrayMoreAfterWarmUpLeaks() {
        MemoryRun.Verdict v = MemoryRun.Verdict.of(series(n -> 1500, n -> n < 90_000 ? 5 : 6), 0.1, 4);
        assertFalse(v.flat(), v.line());
        assertEquals(5, v.arraysMin());
        assertEquals(6, v.arraysMax());
    }

    @Test
    void tooFewSamplesGetNoVerdict() {
        List<MemoryRun.Sample> two = List.of(new MemoryRun.Sample(0, 0, 1500, 100, 5, 0),
                new MemoryRun.Sample(100_000, 100, 1500, 100, 5, 0));
        assertThrows(IllegalArgumentException.class, () -> MemoryRun.Verdict.of(two, 0.1, 4));
    }
}
