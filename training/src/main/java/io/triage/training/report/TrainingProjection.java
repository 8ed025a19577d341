package io.triage.training.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.triage.training.train.TrainingResult;

import java.util.ArrayList;
import java.util.List;

/**
 * Completes a training run's metrics for the report: {@link io.triage.training.train.FineTuner} leaves out the
 * contract's {@code projection} block because it needs the final model's pooled validation features, which
 * {@link TrainingResult} carries beside the metrics. This puts them in, projected by {@link FeatureProjection}.
 */
public final class TrainingProjection {
    private TrainingProjection() {
    }

    /**
     * Adds (or replaces) {@code projection} in {@code result.metrics()}: the validation examples' pooled features,
     * at most {@link FeatureProjection#MAX_POINTS} of them (a stratified sample drawn with {@code seed}), each
     * point labelled with its gold label. A run without validation data is left unchanged.
     *
     * @param labels the label names, indexed by {@link TrainingResult#validationGold()}
     * @return whether a projection was added
     */
    public static boolean addTo(TrainingResult result, List<String> labels, long seed) {
        float[][] features = result.validationFeatures();
        int[] gold = result.validationGold();
        if (features.length == 0) {
            return false;
        }
        if (gold.length != features.length) {
            throw new IllegalArgumentException(features.length + " validation feature rows but " + gold.length
                    + " gold labels");
        }
        List<String> goldNames = new ArrayList<>(gold.length);
        for (int i = 0; i < gold.length; i++) {
            if (gold[i] < 0 || gold[i] >= labels.size()) {
                throw new IllegalArgumentException("validation example " + i + " has gold label index " + gold[i]
                        + ", outside the " + labels.size() + " labels " + labels);
            }
            goldNames.add(labels.get(gold[i]));
        }
        List<FeatureProjection.Point> points = FeatureProjection.project(features, goldNames, seed);
        ObjectNode metrics = result.metrics();
        metrics.set("projection", FeatureProjection.toJson(points, FeatureProjection.METHOD));
        return true;
    }
}
