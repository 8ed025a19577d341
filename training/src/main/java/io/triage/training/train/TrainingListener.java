package io.triage.training.train;

import io.triage.training.eval.EpochMetrics;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Progress of a {@link FineTuner} run, called on the training thread. An exception thrown here stops the run
 * (the last checkpoint stays usable for resuming).
 */
public interface TrainingListener {
    TrainingListener NONE = new TrainingListener() {};

    /** HEAD mode computes the encoder's pooled features once, before the first epoch. */
    default void onFeatureExtraction(int done, int total) {}

    default void onEpochStart(int epoch, int epochs, int examples) {}

    /** After each optimizer step: examples done in this epoch and the step's loss. */
    default void onBatch(int epoch, int examplesDone, float loss) {}

    default void onEpochEnd(EpochMetrics metrics) {}

    /** After epoch {@code epoch}'s checkpoint is complete in {@code dir}. */
    default void onCheckpoint(int epoch, Path dir) throws IOException {}
}
