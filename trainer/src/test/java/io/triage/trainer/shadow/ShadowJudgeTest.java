package io.triage.trainer.shadow;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

class ShadowJudgeTest {
    private static final List<String> LABELS = List.of("neg", "pos");
    private static final Instant T0 = Instant.ofEpochSecond(1_000);
    private static final ShadowBounds BOUNDS = new ShadowBounds(0.6, 0.05, 0.3);

    private static ShadowJudge judge() {
        return new ShadowJudge("v2", LABELS, T0, BOUNDS, 100, Duration.ofMinutes(10), 20);
    }

    /** {@code events} split evenly by the serving model, the candidate answering {@code pos} for {@code pos}. */
    private static ShadowFigures figures(long events, long pos, long agreed) {
        return new ShadowFigures(LABELS, events, agreed, 0, new long[] {events - pos, pos},
                new long[] {events / 2, events - events / 2}, 0.8 * events);
    }

    @Test
    void theLatestReportOfEachInstanceCountsAndTheSumIsJudgedOnceTheWindowIsFull() {
        ShadowJudge judge = judge();
        assertTrue(judge.report("v2", "a", figures(30, 15, 30)));
        assertTrue(judge.report("v2", "a", figures(40, 20, 40))); // replaces a's first report
        assertTrue(judge.report("v2", "b", figures(50, 25, 50)));
        assertEquals(90, judge.figures().events());
        assertEquals(Optional.empty(), judge.decide(T0.plusSeconds(1)), "90 of 100 events");
        judge.report("v2", "b", figures(60, 30, 60));
        ShadowJudge.Verdict v = judge.decide(T0.plusSeconds(2)).orElseThrow();
        assertTrue(v.promoted(), v.toString());
        assertEquals(100, v.figures().events());
    }

    @Test
    void aCandidateThatAlwaysAnswersOneLabelIsRejectedWithTheReason() {
        ShadowJudge judge = judge();
        judge.report("v2", "a", figures(60, 60, 30));
        judge.report("v2", "b", figures(40, 40, 20));
        ShadowJudge.Verdict v = judge.decide(T0.plusSeconds(1)).orElseThrow();
        assertFalse(v.promoted());
        assertEquals(Optional.of("LABEL_COLLAPSED"), v.reason(), v.rejection().toString());
        assertEquals(Duration.ofSeconds(1), v.took(), "from the announcement to the verdict");
        String summary = v.summary();
        for (String line : List.of("shadow trial of v2: REJECTED, LABEL_COLLAPSED: the candidate never answers neg",
                "events compared      100", "agreement            0.5000", "mean confidence      0.8000",
                "failures             0", "announcement→verdict 1000 ms", "neg                   0.0000   0.5000",
                "pos                   1.0000   0.5000")) {
            assertTrue(summary.contains(line), line + " in\n" + summary);
        }
    }

    @Test
    void reportsOfAnotherVersionOrOtherLabelsAreIgnored() {
        ShadowJudge judge = judge();
        assertFalse(judge.report("v3", "a", figures(100, 50, 100)));
        assertFalse(judge.report("v2", "a", ShadowFigures.none(List.of("a", "b"))));
        assertEquals(0, judge.figures().events());
    }

    @Test
    void afterTheWindowItDecidesOnWhatItHasButNeverOnTooLittle() {
        ShadowJudge judge = judge();
        judge.report("v2", "a", figures(10, 5, 10));
        assertEquals(Optional.empty(), judge.decide(T0.plus(Duration.ofMinutes(11))), "10 < 20 events");
        ShadowJudge.Verdict late = judge.decide(T0.plus(Duration.ofMinutes(20))).orElseThrow();
        assertEquals(Optional.of("TOO_FEW_EVENTS"), late.reason());
        judge.report("v2", "a", figures(20, 10, 20));
        assertTrue(judge.decide(T0.plus(Duration.ofMinutes(11))).orElseThrow().promoted());
    }
}
