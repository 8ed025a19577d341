package io.triage.trainer.rollback;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Live accuracy per version and the rollback rule on hand-made figures. */
class RollbackRuleTest {
    private static final RollbackRule RULE = new RollbackRule(0.05, 100);

    @Test
    void labelsAreScoredOnceAgainstWhatTheVersionServed() {
        LiveAccuracy live = new LiveAccuracy(10);
        live.served("e1", "v1", "pos");
        live.served("e2", "v1", "neg");
        live.served("e3", "v2", "pos");
        assertEquals("v1", live.labeled("e1", "pos").orElseThrow());
        assertEquals("v1", live.labeled("e2", "pos").orElseThrow());
        assertTrue(live.labeled("e1", "neg").isEmpty(), "a second label for e1 does not count");
        assertTrue(live.labeled("unknown", "pos").isEmpty());
        assertEquals(new LiveAccuracy.Score(2, 1), live.score("v1"));
        assertEquals(0.5, live.score("v1").accuracy(), 1e-12);
        assertTrue(Double.isNaN(live.score("v2").accuracy()), "no label for v2 yet");
    }

    @Test
    void onlyTheNewestServedEventsAreTracked() {
        LiveAccuracy live = new LiveAccuracy(2);
        live.served("e1", "v1", "pos");
        live.served("e2", "v1", "pos");
        live.served("e3", "v1", "pos");
        assertEquals(2, live.tracked());
        assertTrue(live.labeled("e1", "pos").isEmpty(), "the oldest was dropped");
        assertTrue(live.labeled("e3", "pos").isPresent());
    }

    @Test
    void rollsBackOnlyWhenWorseByMoreThanTheToleranceOnEnoughLabels() {
        LiveAccuracy.Score previous = new LiveAccuracy.Score(200, 180); // 0.90
        assertTrue(RULE.decide("v3", new LiveAccuracy.Score(200, 120), "v2", previous).isPresent(), "0.60 vs 0.90");
        assertTrue(RULE.decide("v3", new LiveAccuracy.Score(200, 172), "v2", previous).isEmpty(),
                "0.86: 0.04 below, within 0.05");
        assertTrue(RULE.decide("v3", new LiveAccuracy.Score(99, 0), "v2", previous).isEmpty(), "too few labels");
        assertTrue(RULE.decide("v3", new LiveAccuracy.Score(200, 0), "v2", new LiveAccuracy.Score(99, 99)).isEmpty(),
                "too few for the predecessor");
        assertTrue(RULE.decide("v1", new LiveAccuracy.Score(200, 0), null, previous).isEmpty(), "nothing before v1");
        String reason = RULE.decide("v3", new LiveAccuracy.Score(100, 50), "v2", previous).orElseThrow();
        assertTrue(reason.contains("v3 live accuracy 0.5000 on 100 labels is 0.4000 below v2's 0.9000"), reason);
    }

    @Test
    void settingsOutOfRangeAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new RollbackRule(-0.1, 10));
        assertThrows(IllegalArgumentException.class, () -> new RollbackRule(1, 10));
        assertThrows(IllegalArgumentException.class, () -> new RollbackRule(0.1, 0));
        assertThrows(IllegalArgumentException.class, () -> new LiveAccuracy(0));
    }
}
