package io.triage.model.explain;

import java.util.List;

/**
 * Integrated gradients of one input: per label and token, how much the token's word embedding moved that label's
 * score (probability) from the baseline's to the input's.
 *
 * <p>Completeness: for each label, the attributions sum to {@code score − baselineScore} up to the error of the
 * path integral's Riemann sum ({@link #gap}); more steps shrink it.
 *
 * @param tokens the input's tokens as the model saw them (truncated as it truncates), special tokens included
 * @param labels the model's labels
 * @param attributions [label][token]
 * @param scores the input's score per label: what the model predicts for it
 * @param baselineScores the baseline's score per label
 * @param steps the steps of the Riemann sum
 */
public record Attribution(List<String> tokens, List<String> labels, float[][] attributions, float[] scores,
                          float[] baselineScores, int steps) {

    /** The label's index; an unknown label is refused with the model's labels named. */
    public int labelIndex(String label) {
        return indexOf(labels, label);
    }

    /** The label's index in {@code labels}; an unknown label is refused with the labels named. */
    public static int indexOf(List<String> labels, String label) {
        int index = labels.indexOf(label);
        if (index < 0) {
            throw new IllegalArgumentException("unknown label '" + label + "': the model's labels are " + labels);
        }
        return index;
    }

    /** The label the model predicts: the highest score. */
    public int predicted() {
        int best = 0;
        for (int j = 1; j < scores.length; j++) {
            if (scores[j] > scores[best]) {
                best = j;
            }
        }
        return best;
    }

    /** The sum of the label's attributions over all tokens. */
    public double total(int label) {
        double sum = 0;
        for (float a : attributions[label]) {
            sum += a;
        }
        return sum;
    }

    /** The completeness gap: the attributions' sum minus {@code score − baselineScore}, for one label. */
    public double gap(int label) {
        return total(label) - ((double) scores[label] - baselineScores[label]);
    }

    /** The largest completeness gap over all labels, as an absolute value. */
    public double maxAbsoluteGap() {
        double max = 0;
        for (int j = 0; j < labels.size(); j++) {
            max = Math.max(max, Math.abs(gap(j)));
        }
        return max;
    }
}
