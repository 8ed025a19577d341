package io.triage.cli.options;

import io.triage.model.train.TrainingMode;
import io.triage.training.data.Dataset;
import io.triage.training.train.TrainingSettings;
import picocli.CommandLine.Option;

import java.util.Locale;

/** How to train: the options {@code train} and {@code bench train} share (mode, data, epochs, learning rates). */
public final class TrainingOptions {
    @Option(names = "--limit", defaultValue = "0", description = "Train on the first N training examples only (0: all).")
    int limit;

    @Option(names = "--mode", defaultValue = "head", description = "head (frozen encoder, cached features) or full. "
            + "Default: ${DEFAULT-VALUE}.")
    String mode;

    @Option(names = "--epochs", description = "Default: 20 (head), 2 (full).")
    Integer epochs;

    @Option(names = "--lr", description = "Peak learning rate (full: the encoder's). Default: 1e-3 (head), 2e-5 (full).")
    Double learningRate;

    @Option(names = "--head-lr", description = "Full mode: peak learning rate of the fresh head. Default: 1e-3.")
    Double headLearningRate;

    @Option(names = "--tune-thresholds", description = "Multi-label: after training, set each label's threshold to "
            + "the one with the best F1 on the validation data (stored in the artifact; the scores reported on that "
            + "data are then optimistic). Default: every threshold 0.5.")
    boolean tuneThresholds;

    /** @throws IllegalArgumentException for a mode other than head or full */
    public TrainingMode mode() {
        return TrainingMode.valueOf(mode.toUpperCase(Locale.ROOT));
    }

    /** The mode as it was given. */
    public String modeName() {
        return mode;
    }

    /** The mode's defaults, with the epochs and learning rates given here. */
    public TrainingSettings options() {
        TrainingSettings o = TrainingSettings.defaults(mode());
        if (epochs != null) {
            o = o.withEpochs(epochs);
        }
        if (learningRate != null) {
            o = o.withLearningRate(learningRate);
        }
        if (headLearningRate != null) {
            o = o.withHeadLearningRate(headLearningRate);
        }
        return o.withTuneThresholds(tuneThresholds);
    }

    /** The training data cut to {@code --limit} examples. */
    public Dataset limited(Dataset train) {
        return limit > 0 ? train.first(limit) : train;
    }
}
