package io.triage.training.train;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.triage.training.eval.EpochMetrics;
import io.triage.training.eval.Evaluation;
import io.triage.training.eval.MultiLabelEvaluation;

import java.util.List;

/**
 * What a {@link FineTuner} run produced besides the trained model (which stays in the caller's hands).
 *
 * @param metrics metrics.json per the contract, without {@code projection}
 * @param history one entry per finished epoch, resumed epochs included
 * @param evaluation the final validation evaluation, or null without validation data or for a multi-label model
 * @param validationFeatures pooled encoder features of the validation examples under the final model, in
 *     validation order (empty without validation data)
 * @param validationGold their gold label indices
 * @param multiLabelEvaluation a multi-label model's final validation evaluation (null otherwise)
 */
public record TrainingResult(ObjectNode metrics, List<EpochMetrics> history, Evaluation evaluation,
        float[][] validationFeatures, int[] validationGold, MultiLabelEvaluation multiLabelEvaluation) {

    public TrainingResult(ObjectNode metrics, List<EpochMetrics> history, Evaluation evaluation,
            float[][] validationFeatures, int[] validationGold) {
        this(metrics, history, evaluation, validationFeatures, validationGold, null);
    }
}
