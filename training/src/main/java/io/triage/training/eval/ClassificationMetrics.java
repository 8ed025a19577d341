package io.triage.training.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * Accuracy, per-class precision/recall/F1, their macro and support-weighted means, and the confusion matrix
 * of predictions against gold labels — with scikit-learn's conventions: a precision or recall with a zero
 * denominator is 0, and the macro mean runs over the labels that occur in the gold or the predicted labels.
 *
 * @param confusion counts, rows = gold label, columns = predicted label, both in {@code labels} order
 */
public record ClassificationMetrics(List<String> labels, double accuracy, double macroF1,
        double weightedF1, List<ClassScores> perClass, long[][] confusion) {

    /** One label's scores; {@code support} is its number of gold examples. */
    public record ClassScores(String label, double precision, double recall, double f1, long support) {}

    public static ClassificationMetrics of(List<String> labels, int[] gold, int[] predicted) {
        if (gold.length != predicted.length) {
            throw new IllegalArgumentException(gold.length + " gold labels but " + predicted.length + " predictions");
        }
        if (gold.length == 0) {
            throw new IllegalArgumentException("no examples to evaluate");
        }
        int n = labels.size();
        long[][] confusion = new long[n][n];
        long correct = 0;
        for (int i = 0; i < gold.length; i++) {
            confusion[gold[i]][predicted[i]]++;
            if (gold[i] == predicted[i]) {
                correct++;
            }
        }
        List<ClassScores> perClass = new ArrayList<>(n);
        double macroSum = 0;
        int macroCount = 0;
        double weightedSum = 0;
        for (int c = 0; c < n; c++) {
            long tp = confusion[c][c];
            long support = 0;
            long predictedAs = 0;
            for (int k = 0; k < n; k++) {
                support += confusion[c][k];
                predictedAs += confusion[k][c];
            }
            double precision = ratio(tp, predictedAs);
            double recall = ratio(tp, support);
            double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            perClass.add(new ClassScores(labels.get(c), precision, recall, f1, support));
            if (support > 0 || predictedAs > 0) {
                macroSum += f1;
                macroCount++;
            }
            weightedSum += f1 * support;
        }
        return new ClassificationMetrics(List.copyOf(labels), (double) correct / gold.length,
                macroSum / macroCount, weightedSum / gold.length, List.copyOf(perClass), confusion);
    }

    /** Each confusion row divided by its sum (the gold label's recall profile); a row without support is all 0. */
    public double[][] normalizedConfusion() {
        double[][] out = new double[confusion.length][];
        for (int r = 0; r < confusion.length; r++) {
            long sum = 0;
            for (long v : confusion[r]) {
                sum += v;
            }
            out[r] = new double[confusion[r].length];
            for (int c = 0; c < confusion[r].length; c++) {
                out[r][c] = ratio(confusion[r][c], sum);
            }
        }
        return out;
    }

    private static double ratio(long a, long b) {
        return b == 0 ? 0 : (double) a / b;
    }
}
