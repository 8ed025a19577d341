package io.triage.trainer.shadow;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The shadow trial's verdict on hand-made figures: a good candidate passes, broken ones fail with their reason. */
class ShadowBoundsTest {
    private static final List<String> LABELS = List.of("neg", "neu", "pos");
    private static final ShadowBounds BOUNDS = new ShadowBounds(0.7, 0.05, 0.2);

    private static ShadowFigures figures(long events, long agreed, long failures, long[] candidate, long[] serving) {
        return new ShadowFigures(LABELS, events, agreed, failures, candidate, serving, 0.8 * events);
    }

    @Test
    void aCandidateCloseToTheServingModelPasses() {
        ShadowFigures good = figures(100, 85, 0, new long[] {30, 25, 45}, new long[] {33, 22, 45});
        assertEquals(java.util.Optional.empty(), BOUNDS.rejection(good));
        assertEquals(0.85, good.agreement(), 1e-12);
        assertEquals(0.8, good.meanConfidence(), 1e-12);
    }

    @Test
    void aHeadThatAlwaysAnswersOneLabelIsRejected() {
        ShadowFigures broken = figures(100, 45, 0, new long[] {0, 0, 100}, new long[] {33, 22, 45});
        assertTrue(BOUNDS.rejection(broken).orElseThrow().startsWith("LABEL_COLLAPSED: the candidate never answers neg"),
                BOUNDS.rejection(broken).orElseThrow());
    }

    @Test
    void eachBoundHasItsReason() {
        long[] serving = {33, 22, 45};
        assertTrue(BOUNDS.rejection(figures(100, 99, 1, serving, serving)).orElseThrow().startsWith("FAILURES"));
        assertTrue(BOUNDS.rejection(figures(100, 70, 0, new long[] {60, 10, 30}, serving)).orElseThrow()
                .startsWith("LABEL_SHARE_MOVED: neg"));
        assertTrue(BOUNDS.rejection(figures(100, 50, 0, serving, serving)).orElseThrow().startsWith("LOW_AGREEMENT"));
        assertTrue(BOUNDS.rejection(ShadowFigures.none(LABELS)).orElseThrow().startsWith("NO_EVENTS"));
    }

    @Test
    void theFiguresOfSeveralInstancesAddUp() {
        ShadowFigures a = figures(10, 9, 0, new long[] {3, 3, 4}, new long[] {3, 2, 5});
        ShadowFigures b = figures(20, 10, 1, new long[] {5, 5, 10}, new long[] {6, 4, 10});
        ShadowFigures sum = a.plus(b);
        assertEquals(30, sum.events());
        assertEquals(19, sum.agreed());
        assertEquals(1, sum.failures());
        assertArrayEquals(new long[] {8, 8, 14}, sum.candidateLabels());
        assertArrayEquals(new long[] {9, 6, 15}, sum.servingLabels());
        assertEquals(24, sum.candidateConfidenceSum(), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> a.plus(ShadowFigures.none(List.of("x", "y", "z"))));
    }
}
