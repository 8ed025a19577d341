package io.triage.training.train;

import io.triage.model.train.TrainingMode;

import java.nio.file.Path;

/**
 * How {@link FineTuner} trains. Start from {@link #defaults(TrainingMode)}.
 *
 * @param epochs passes over the training data
 * @param batchSize examples per optimizer step
 * @param learningRate peak learning rate of the linear warm-up/decay schedule: the encoder's in FULL mode, the
 *     head's in HEAD mode
 * @param headLearningRate FULL mode only: peak learning rate of the classification head, which starts untrained
 *     and learns too slowly at the encoder's rate
 * @param weightDecay AdamW's decoupled weight decay on weight matrices (not on biases and LayerNorm)
 * @param warmupRatio share of all steps spent warming the learning rate up from 0
 * @param maxGradNorm gradients are clipped to this global L2 norm; 0 turns clipping off
 * @param seed seeds shuffling, dropout and a fresh head's initialization (if set before loading)
 * @param evalBatchSize examples per forward pass when evaluating or computing features
 * @param topK highest- and lowest-loss validation examples kept in metrics.json
 * @param checkpointDir where a checkpoint is written after every epoch, or null for none
 * @param resume continue from the latest complete checkpoint in {@code checkpointDir}, if there is one
 * @param parentVersion the version training started from, recorded in metrics.json (null: none)
 * @param tuneThresholds for a multi-label model: after training, set each label's threshold to the one with the best
 *     F1 on the validation data (stored in the artifact); false keeps the model's thresholds (0.5 by default)
 */
public record TrainingSettings(TrainingMode mode, int epochs, int batchSize, double learningRate,
        double headLearningRate, double weightDecay,
        double warmupRatio, double maxGradNorm, long seed, int evalBatchSize, int topK, Path checkpointDir, boolean resume,
        String parentVersion, boolean tuneThresholds) {

    /** Without threshold tuning. */
    public TrainingSettings(TrainingMode mode, int epochs, int batchSize, double learningRate, double headLearningRate,
            double weightDecay, double warmupRatio, double maxGradNorm, long seed, int evalBatchSize, int topK,
            Path checkpointDir, boolean resume, String parentVersion) {
        this(mode, epochs, batchSize, learningRate, headLearningRate, weightDecay, warmupRatio, maxGradNorm, seed,
                evalBatchSize, topK, checkpointDir, resume, parentVersion, false);
    }

    public TrainingSettings {
        if (epochs < 1 || batchSize < 1 || evalBatchSize < 1 || topK < 0) {
            throw new IllegalArgumentException("epochs, batch sizes must be positive and top-k not negative");
        }
        if (!(learningRate > 0) || !(headLearningRate > 0) || weightDecay < 0 || warmupRatio < 0 || warmupRatio > 1 || maxGradNorm < 0) {
            throw new IllegalArgumentException("invalid optimizer settings: lr " + learningRate + ", head lr "
                    + headLearningRate + ", weight decay "
                    + weightDecay + ", warm-up ratio " + warmupRatio + ", max grad norm " + maxGradNorm);
        }
        if (resume && checkpointDir == null) {
            throw new IllegalArgumentException("resuming needs a checkpoint folder");
        }
    }

    /**
     * Defaults per mode.
     *
     * <p>{@code full}: the BERT fine-tuning recipe (Devlin et al.; Hugging Face's defaults) — AdamW at 2e-5 with
     * weight decay 0.01, 10% linear warm-up then linear decay, batch 32, gradient norm clipped to 1.0, 2 epochs
     * (a small pretrained encoder adapts within 2–3 epochs and starts to overfit after). BERT's classifier sits
     * on a pretrained pooler; this head starts from random weights, and at 2e-5 it moves too little in a few
     * hundred steps (emotion, 2000 examples, 1 epoch: 47% accuracy at 2e-5, 62% with the head at 1e-3), so the
     * head gets 1e-3, the rate that trains it well on frozen features.
     *
     * <p>{@code head}: a freshly initialized two-layer head on fixed features is a small network trained from
     * scratch, so Adam's usual 1e-3 and batch 64 suit it. An epoch on cached features takes about a second while
     * the one-time feature pass dominates the run, so 20 epochs cost little: on the emotion data the validation
     * loss still falls slightly at epoch 20 (0.852 after 4 epochs, 0.827 after 10, 0.806 after 20).
     */
    public static TrainingSettings defaults(TrainingMode mode) {
        return mode == TrainingMode.FULL
                ? new TrainingSettings(mode, 2, 32, 2e-5, 1e-3, 0.01, 0.1, 1.0, 42, 64, 10, null, false, null)
                : new TrainingSettings(mode, 20, 64, 1e-3, 1e-3, 0.01, 0.1, 1.0, 42, 64, 10, null, false, null);
    }

    public TrainingSettings withEpochs(int n) {
        return new TrainingSettings(mode, n, batchSize, learningRate, headLearningRate, weightDecay, warmupRatio, maxGradNorm, seed,
                evalBatchSize, topK, checkpointDir, resume, parentVersion, tuneThresholds);
    }

    public TrainingSettings withBatchSize(int n) {
        return new TrainingSettings(mode, epochs, n, learningRate, headLearningRate, weightDecay, warmupRatio, maxGradNorm, seed,
                evalBatchSize, topK, checkpointDir, resume, parentVersion, tuneThresholds);
    }

    public TrainingSettings withLearningRate(double lr) {
        return new TrainingSettings(mode, epochs, batchSize, lr, headLearningRate, weightDecay, warmupRatio, maxGradNorm, seed,
                evalBatchSize, topK, checkpointDir, resume, parentVersion, tuneThresholds);
    }

    public TrainingSettings withHeadLearningRate(double lr) {
        return new TrainingSettings(mode, epochs, batchSize, learningRate, lr, weightDecay, warmupRatio, maxGradNorm, seed,
                evalBatchSize, topK, checkpointDir, resume, parentVersion, tuneThresholds);
    }

    public TrainingSettings withSeed(long s) {
        return new TrainingSettings(mode, epochs, batchSize, learningRate, headLearningRate, weightDecay, warmupRatio, maxGradNorm, s,
                evalBatchSize, topK, checkpointDir, resume, parentVersion, tuneThresholds);
    }

    /** Checkpoints after every epoch into {@code dir}; {@code resumeFromLatest} continues from the latest one. */
    public TrainingSettings withCheckpoints(Path dir, boolean resumeFromLatest) {
        return new TrainingSettings(mode, epochs, batchSize, learningRate, headLearningRate, weightDecay, warmupRatio, maxGradNorm, seed,
                evalBatchSize, topK, dir, resumeFromLatest, parentVersion, tuneThresholds);
    }

    public TrainingSettings withParentVersion(String version) {
        return new TrainingSettings(mode, epochs, batchSize, learningRate, headLearningRate, weightDecay, warmupRatio, maxGradNorm, seed,
                evalBatchSize, topK, checkpointDir, resume, version, tuneThresholds);
    }

    /** Whether a multi-label model's thresholds are tuned on the validation data after training. */
    public TrainingSettings withTuneThresholds(boolean tune) {
        return new TrainingSettings(mode, epochs, batchSize, learningRate, headLearningRate, weightDecay, warmupRatio, maxGradNorm, seed,
                evalBatchSize, topK, checkpointDir, resume, parentVersion, tune);
    }
}
