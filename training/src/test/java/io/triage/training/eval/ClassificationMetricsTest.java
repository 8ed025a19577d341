package io.triage.training.eval;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Expected values are worked out by hand below; they agree with scikit-learn's classification_report. */
class ClassificationMetricsTest {
    private static final double EPS = 1e-9;

    @Test
    void threeClassExample() {
        // gold  a a a b b c
        // pred  a a b b c c
        // confusion (rows gold): a [2 1 0], b [0 1 1], c [0 0 1]
        // a: P = 2/2 = 1,   R = 2/3, F1 = 2·1·(2/3) / (5/3) = 0.8
        // b: P = 1/2,       R = 1/2, F1 = 0.5
        // c: P = 1/2,       R = 1/1, F1 = 2·0.5·1 / 1.5 = 2/3
        // accuracy 4/6; macro F1 (0.8 + 0.5 + 2/3) / 3; weighted F1 (0.8·3 + 0.5·2 + 2/3·1) / 6
        ClassificationMetrics m = ClassificationMetrics.of(List.of("a", "b", "c"),
                new int[] {0, 0, 0, 1, 1, 2}, new int[] {0, 0, 1, 1, 2, 2});
        assertEquals(4.0 / 6, m.accuracy(), EPS);
        assertEquals((0.8 + 0.5 + 2.0 / 3) / 3, m.macroF1(), EPS);
        assertEquals((0.8 * 3 + 0.5 * 2 + 2.0 / 3) / 6, m.weightedF1(), EPS);
        assertEquals(new ClassificationMetrics.ClassScores("a", 1.0, round(2.0 / 3), 0.8, 3), rounded(m.perClass().get(0)));
        assertEquals(new ClassificationMetrics.ClassScores("b", 0.5, 0.5, 0.5, 2), rounded(m.perClass().get(1)));
        assertEquals(new ClassificationMetrics.ClassScores("c", 0.5, 1.0, round(2.0 / 3), 1), rounded(m.perClass().get(2)));
        assertArrayEquals(new long[][] {{2, 1, 0}, {0, 1, 1}, {0, 0, 1}}, m.confusion());
        double[][] normalized = m.normalizedConfusion();
        assertArrayEquals(new double[] {2.0 / 3, 1.0 / 3, 0}, normalized[0], EPS);
        assertArrayEquals(new double[] {0, 0.5, 0.5}, normalized[1], EPS);
        assertArrayEquals(new double[] {0, 0, 1}, normalized[2], EPS);
    }

    @Test
    void zeroDenominatorsScoreZeroAndAbsentLabelsStayOutOfTheMacroMean() {
        // gold a a b, pred a c b, labels a b c d
        // a: P 1/1, R 1/2, F1 2/3;  b: P 1, R 1, F1 1;  c: predicted once, never gold: P 0/1 = 0, R 0/0 := 0, F1 0
        // d: neither gold nor predicted: all 0, support 0, and not part of the macro mean
        // macro (2/3 + 1 + 0) / 3; weighted (2/3·2 + 1·1 + 0·0) / 3
        ClassificationMetrics m = ClassificationMetrics.of(List.of("a", "b", "c", "d"),
                new int[] {0, 0, 1}, new int[] {0, 2, 1});
        assertEquals((2.0 / 3 + 1) / 3, m.macroF1(), EPS);
        assertEquals((2.0 / 3 * 2 + 1) / 3, m.weightedF1(), EPS);
        assertEquals(new ClassificationMetrics.ClassScores("c", 0, 0, 0, 0), m.perClass().get(2));
        assertEquals(new ClassificationMetrics.ClassScores("d", 0, 0, 0, 0), m.perClass().get(3));
        assertArrayEquals(new double[] {0, 0, 0, 0}, m.normalizedConfusion()[3], EPS, "a row without support is all 0");
    }

    @Test
    void mostFrequentBaselineUsesTheTrainingMajority() {
        // training majority is label 1 (2 of 4); validation has it 3 times out of 4
        MostFrequentBaseline b = MostFrequentBaseline.of(new int[] {0, 1, 1, 2}, new int[] {1, 0, 1, 1}, 3);
        assertEquals(1, b.label());
        assertEquals(0.75, b.accuracy(), EPS);
        assertEquals(0, MostFrequentBaseline.of(new int[] {1, 0}, new int[] {1}, 2).label(), "ties go to the first label");
    }

    private static ClassificationMetrics.ClassScores rounded(ClassificationMetrics.ClassScores s) {
        return new ClassificationMetrics.ClassScores(s.label(), round(s.precision()), round(s.recall()), round(s.f1()), s.support());
    }

    private static double round(double v) {
        return Math.round(v * 1e12) / 1e12;
    }
}
