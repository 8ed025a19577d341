package io.triage.training.eval;

/**
 * One finished epoch, as a {@code history} entry of metrics.json; the validation fields are null when there
 * was no validation data.
 *
 * @param examplesPerSecond training examples per second of the epoch's training part (evaluation excluded)
 * @param seconds the whole epoch, evaluation included
 */
public record EpochMetrics(int epoch, double trainLoss, Double valLoss, Double valAccuracy, Double valWeightedF1,
        Double valMacroF1, double examplesPerSecond, double seconds) {}
