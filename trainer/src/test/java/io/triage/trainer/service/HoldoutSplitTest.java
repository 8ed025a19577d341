package io.triage.trainer.service;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class HoldoutSplitTest {
    @Test
    void theSideDependsOnTheIdAloneAndTheShareMatchesTheFraction() {
        HoldoutSplit split = new HoldoutSplit(0.2);
        int[] heldOut = new int[3];
        int perClass = 5000;
        for (int label = 0; label < 3; label++) {
            for (int i = 0; i < perClass; i++) {
                String id = "class" + label + "-example-" + i;
                boolean side = split.isHeldOut(id);
                assertEquals(side, new HoldoutSplit(0.2).isHeldOut(id), "same id, same side");
                if (side) {
                    heldOut[label]++;
                }
            }
        }
        for (int count : heldOut) {
            // binomial(5000, 0.2): standard deviation 28, so 0.2 +- 0.02 is 3.5 of them
            assertEquals(0.2, count / (double) perClass, 0.02, "every class loses about the same share");
        }
    }

    @Test
    void aLargerFractionOnlyAddsExamplesToTheHoldout() {
        HoldoutSplit small = new HoldoutSplit(0.1);
        HoldoutSplit large = new HoldoutSplit(0.3);
        for (int i = 0; i < 2000; i++) {
            String id = "id-" + i;
            if (small.isHeldOut(id)) {
                assertTrue(large.isHeldOut(id), id);
            }
        }
        assertFalse(new HoldoutSplit(0).isHeldOut("anything"));
    }

    @Test
    void fractionsOutsideTheRangeAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new HoldoutSplit(1.0));
        assertThrows(IllegalArgumentException.class, () -> new HoldoutSplit(-0.1));
    }
}
