package io.triage.training.eval;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class EvaluationTest {
    private static final float LN3 = (float) Math.log(3);

    @Test
    void crossEntropyIsMinusLogSoftmaxOfTheGoldLabel() {
        // logits (0, ln 3) → softmax (1/4, 3/4)
        assertEquals(Math.log(4), Evaluation.crossEntropy(new float[] {0, LN3}, 0), 1e-6);
        assertEquals(-Math.log(0.75), Evaluation.crossEntropy(new float[] {0, LN3}, 1), 1e-6);
        assertEquals(Math.log(3), Evaluation.crossEntropy(new float[] {2, 2, 2}, 1), 1e-6);
        assertEquals(1000, Evaluation.crossEntropy(new float[] {1000, 0}, 1), 1e-3, "stable for large logits");
    }

    @Test
    void scoresPredictionsAndRanksExamplesByLoss() {
        float[][] logits = {{0, LN3}, {0, LN3}, {5, 0}, {2, 2}};
        int[] gold = {1, 0, 0, 1};
        // losses: -ln 3/4 = 0.288, ln 4 = 1.386, ln(1 + e^-5) = 0.0067, ln 2 = 0.693
        Evaluation e = Evaluation.of(List.of("x", "y"), gold, logits);
        assertArrayEquals(new int[] {1, 1, 0, 0}, e.predicted(), "ties go to the first label");
        assertEquals((-Math.log(0.75) + Math.log(4) + Math.log(1 + Math.exp(-5)) + Math.log(2)) / 4, e.loss(), 1e-6);
        assertEquals(0.5, e.metrics().accuracy(), 1e-12);
        assertArrayEquals(new int[] {1, 3}, e.highestLoss(2));
        assertArrayEquals(new int[] {2, 0, 3, 1}, e.lowestLoss(10));
    }
}
