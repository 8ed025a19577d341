package io.triage.training.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * Scores of label-set predictions: micro F1 (every label decision pooled), macro F1 (the mean of the labels'
 * F1), per-label precision/recall/F1, Hamming loss (the share of wrong label decisions) and subset accuracy
 * (the share of examples whose predicted set is exactly the gold set). A label with no gold and no predicted
 * positives has precision, recall and F1 0, as scikit-learn's {@code zero_division=0} reports.
 *
 * @param perLabel one row per label, in label order; {@code support} counts the examples the label applies to
 */
public record MultiLabelMetrics(List<String> labels, double microF1, double macroF1, double hammingLoss,
        double subsetAccuracy, List<ClassificationMetrics.ClassScores> perLabel) {

    /**
     * @param gold 0/1 per example and label
     * @param predicted whether each label is predicted, per example
     */
    public static MultiLabelMetrics of(List<String> labels, float[][] gold, boolean[][] predicted) {
        if (gold.length != predicted.length) {
            throw new IllegalArgumentException(gold.length + " gold label sets but " + predicted.length + " predictions");
        }
        int n = labels.size();
        long[] tp = new long[n];
        long[] fp = new long[n];
        long[] fn = new long[n];
        long exact = 0;
        for (int i = 0; i < gold.length; i++) {
            boolean same = true;
            for (int l = 0; l < n; l++) {
                boolean g = gold[i][l] > 0.5f;
                boolean p = predicted[i][l];
                tp[l] += g && p ? 1 : 0;
                fp[l] += !g && p ? 1 : 0;
                fn[l] += g && !p ? 1 : 0;
                same &= g == p;
            }
            exact += same ? 1 : 0;
        }
        List<ClassificationMetrics.ClassScores> perLabel = new ArrayList<>(n);
        long tpAll = 0;
        long fpAll = 0;
        long fnAll = 0;
        double f1Sum = 0;
        for (int l = 0; l < n; l++) {
            ClassificationMetrics.ClassScores s = scores(labels.get(l), tp[l], fp[l], fn[l]);
            perLabel.add(s);
            f1Sum += s.f1();
            tpAll += tp[l];
            fpAll += fp[l];
            fnAll += fn[l];
        }
        double cells = (double) gold.length * n;
        return new MultiLabelMetrics(List.copyOf(labels), scores("", tpAll, fpAll, fnAll).f1(), f1Sum / n,
                gold.length == 0 ? 0 : (fpAll + fnAll) / cells, gold.length == 0 ? 0 : (double) exact / gold.length,
                List.copyOf(perLabel));
    }

    /** Precision, recall and F1 from counts; 0 where a ratio has nothing to divide. */
    static ClassificationMetrics.ClassScores scores(String label, long tp, long fp, long fn) {
        double precision = tp + fp == 0 ? 0 : (double) tp / (tp + fp);
        double recall = tp + fn == 0 ? 0 : (double) tp / (tp + fn);
        double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        return new ClassificationMetrics.ClassScores(label, precision, recall, f1, tp + fn);
    }
}
