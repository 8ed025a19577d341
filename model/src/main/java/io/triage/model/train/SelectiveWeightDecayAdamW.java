package io.triage.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.training.optimizer.AdamW;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;

import java.util.Collection;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * AdamW with weight decay on weight matrices only: biases and LayerNorm parameters are not decayed, as in
 * BERT's and Hugging Face's fine-tuning recipe (shrinking a LayerNorm gain or a bias towards 0 is not a useful
 * prior). DJL's AdamW has one decay for all parameters, so this routes each parameter to one of two AdamW
 * instances that share the learning-rate schedule.
 */
public final class SelectiveWeightDecayAdamW extends Optimizer {
    private final Set<String> decayed;
    private final AdamW withDecay;
    private final AdamW withoutDecay;

    public SelectiveWeightDecayAdamW(Collection<Parameter> parameters, Tracker learningRate, float weightDecay) {
        super(new NoOptions());
        decayed = parameters.stream()
                .filter(SelectiveWeightDecayAdamW::isDecayed)
                .map(Parameter::getId)
                .collect(Collectors.toUnmodifiableSet());
        withDecay = Optimizer.adamW().optLearningRateTracker(learningRate).optWeightDecays(weightDecay).build();
        withoutDecay = Optimizer.adamW().optLearningRateTracker(learningRate).optWeightDecays(0f).build();
    }

    /** Weight matrices and embedding tables are decayed; biases and LayerNorm gains and shifts are not. */
    public static boolean isDecayed(Parameter parameter) {
        return parameter.getType() == Parameter.Type.WEIGHT;
    }

    @Override
    public void update(String parameterId, NDArray weight, NDArray grad) {
        (decayed.contains(parameterId) ? withDecay : withoutDecay).update(parameterId, weight, grad);
    }

    /** The base class wants a builder; this optimizer's settings live in its two delegates. */
    private static final class NoOptions extends OptimizerBuilder<NoOptions> {
        @Override
        protected NoOptions self() {
            return this;
        }
    }
}
