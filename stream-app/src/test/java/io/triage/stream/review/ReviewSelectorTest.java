package io.triage.stream.review;

import io.triage.schemas.ReviewReason;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReviewSelectorTest {
    private static final Map<String, Float> SURE = Map.of("a", 0.9f, "b", 0.1f);

    @Test
    void theMarginIsTheTopScoreMinusTheRunnerUp() {
        assertEquals(0.8f, ReviewSelector.margin(0.9f, SURE), 1e-6);
        assertEquals(0f, ReviewSelector.margin(0.5f, Map.of("a", 0.5f, "b", 0.5f)), 1e-6, "a tie has no margin");
        assertEquals(1f, ReviewSelector.margin(1f, Map.of("only", 1f)), 1e-6);
    }

    @Test
    void theSampleIsAboutTheConfiguredFractionAndTheSameOnEveryRun() {
        ReviewSelector first = new ReviewSelector(0, 0, 0.2);
        ReviewSelector second = new ReviewSelector(0, 0, 0.2);
        List<String> ids = IntStream.range(0, 10_000).mapToObj(i -> "event-" + i).toList();
        List<String> picked = ids.stream().filter(id -> !first.reasons(id, 0.9f, SURE).isEmpty()).toList();
        assertEquals(picked, ids.stream().filter(id -> !second.reasons(id, 0.9f, SURE).isEmpty()).toList(),
                "a replay picks the same events");
        assertTrue(picked.size() > 1_800 && picked.size() < 2_200, picked.size() + " of 10000 picked at 0.2");
        assertEquals(List.of(ReviewReason.SAMPLE), first.reasons(picked.get(0), 0.9f, SURE));
        assertEquals(List.of(), new ReviewSelector(0, 0, 0).reasons("event-1", 0.9f, SURE));
        assertEquals(List.of(ReviewReason.SAMPLE), new ReviewSelector(0, 0, 1).reasons("event-1", 0.9f, SURE));
    }

    @Test
    void settingsOutsideZeroToOneAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ReviewSelector(1.5f, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new ReviewSelector(0, -0.1f, 0));
        assertThrows(IllegalArgumentException.class, () -> new ReviewSelector(0, 0, Double.NaN));
    }
}
