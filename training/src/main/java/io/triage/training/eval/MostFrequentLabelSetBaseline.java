package io.triage.training.eval;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The multi-label baseline: predict the training data's most frequent label set (the empty set included) for
 * every example, whatever its text. A model must beat its micro and macro F1 to have learned from the texts.
 *
 * @param labelSet the predicted set, as 0/1 per label
 */
public record MostFrequentLabelSetBaseline(float[] labelSet, MultiLabelMetrics metrics) {

    public static MostFrequentLabelSetBaseline of(List<String> labels, float[][] trainSets, float[][] validationSets) {
        Map<String, Integer> counts = new HashMap<>();
        String best = null;
        for (float[] set : trainSets) {
            String key = Arrays.toString(set);
            int c = counts.merge(key, 1, Integer::sum);
            if (best == null || c > counts.get(best)) {
                best = key;
            }
        }
        float[] chosen = new float[labels.size()];
        for (float[] set : trainSets) {
            if (Arrays.toString(set).equals(best)) {
                chosen = set.clone();
                break;
            }
        }
        boolean[][] predicted = new boolean[validationSets.length][labels.size()];
        for (boolean[] row : predicted) {
            for (int l = 0; l < row.length; l++) {
                row[l] = chosen[l] > 0.5f;
            }
        }
        return new MostFrequentLabelSetBaseline(chosen, MultiLabelMetrics.of(labels, validationSets, predicted));
    }

    /** The names of the labels in the predicted set. */
    public List<String> labelNames(List<String> labels) {
        return java.util.stream.IntStream.range(0, labels.size()).filter(l -> labelSet[l] > 0.5f)
                .mapToObj(labels::get).toList();
    }
}
