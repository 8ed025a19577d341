package io.triage.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.training.optimizer.AdamW;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;

import java.util.HashMap;
import java.util.Map;

/**
 * AdamW with a learning rate and a weight decay per parameter group, as PyTorch's parameter groups. DJL's
 * AdamW has one of each for all parameters, so this routes each parameter to one AdamW instance per group.
 * Used for two rules of fine-tuning:
 * <ul>
 *   <li>weight decay on weight matrices only — not on biases and LayerNorm parameters, as in BERT's and
 *       Hugging Face's recipe (shrinking a LayerNorm gain or a bias towards 0 is not a useful prior);
 *   <li>a larger learning rate for a freshly initialized head than for the pretrained encoder.
 * </ul>
 */
public final class ParameterGroupAdamW extends Optimizer {
    /** A learning-rate schedule and a weight decay shared by some parameters. */
    public record Group(Tracker learningRate, float weightDecay) {}

    private final Map<String, AdamW> byParameterId = new HashMap<>();

    /** @param groups every parameter this optimizer will update, with its group */
    public ParameterGroupAdamW(Map<Parameter, Group> groups) {
        super(new NoOptions());
        Map<Group, AdamW> optimizers = new HashMap<>();
        groups.forEach((parameter, group) -> byParameterId.put(parameter.getId(), optimizers.computeIfAbsent(group,
                g -> Optimizer.adamW().optLearningRateTracker(g.learningRate()).optWeightDecays(g.weightDecay()).build())));
    }

    /** Weight matrices and embedding tables are decayed; biases and LayerNorm gains and shifts are not. */
    public static boolean isDecayed(Parameter parameter) {
        return parameter.getType() == Parameter.Type.WEIGHT;
    }

    @Override
    public void update(String parameterId, NDArray weight, NDArray grad) {
        AdamW optimizer = byParameterId.get(parameterId);
        if (optimizer == null) {
            throw new IllegalArgumentException("parameter " + parameterId + " belongs to no group of this optimizer");
        }
        optimizer.update(parameterId, weight, grad);
    }

    /** The base class wants a builder; this optimizer's settings live in its groups. */
    private static final class NoOptions extends OptimizerBuilder<NoOptions> {
        @Override
        protected NoOptions self() {
            return this;
        }
    }
}
