package io.triage.training.eval;

import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * A model's outputs on labeled examples, scored: mean cross-entropy loss, each example's loss and
 * prediction, and the {@link ClassificationMetrics}.
 */
public record Evaluation(double loss, double[] exampleLosses, int[] predicted, ClassificationMetrics metrics) {

    /** Scores logits [examples][labels] against gold label indices. */
    public static Evaluation of(List<String> labels, int[] gold, float[][] logits) {
        if (gold.length != logits.length) {
            throw new IllegalArgumentException(gold.length + " gold labels but " + logits.length + " outputs");
        }
        double[] losses = new double[gold.length];
        int[] predicted = new int[gold.length];
        double sum = 0;
        for (int i = 0; i < gold.length; i++) {
            losses[i] = crossEntropy(logits[i], gold[i]);
            predicted[i] = argmax(logits[i]);
            sum += losses[i];
        }
        return new Evaluation(sum / gold.length, losses, predicted, ClassificationMetrics.of(labels, gold, predicted));
    }

    /** −log softmax(logits)[gold], computed stably (log-sum-exp around the maximum). */
    static double crossEntropy(float[] logits, int gold) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double sumExp = 0;
        for (float v : logits) {
            sumExp += Math.exp(v - max);
        }
        return max + Math.log(sumExp) - logits[gold];
    }

    private static int argmax(float[] values) {
        int best = 0;
        for (int j = 1; j < values.length; j++) {
            if (values[j] > values[best]) {
                best = j;
            }
        }
        return best;
    }

    /** Indices of the {@code k} examples with the highest loss, highest first (ties: earlier example first). */
    public int[] highestLoss(int k) {
        return ranked(exampleLosses, k, true);
    }

    /** Indices of the {@code k} examples with the lowest loss, lowest first (ties: earlier example first). */
    public int[] lowestLoss(int k) {
        return ranked(exampleLosses, k, false);
    }

    /** Indices of the {@code k} highest (or lowest) losses, in that order; ties: earlier example first. */
    static int[] ranked(double[] losses, int k, boolean highest) {
        Comparator<Integer> order = Comparator.comparingDouble(i -> highest ? -losses[i] : losses[i]);
        return IntStream.range(0, losses.length).boxed()
                .sorted(order.thenComparingInt(i -> i))
                .limit(k).mapToInt(Integer::intValue).toArray();
    }
}
