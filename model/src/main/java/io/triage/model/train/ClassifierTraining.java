package io.triage.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.triage.model.ClassifierModel;
import io.triage.model.text.EncodedBatch;
import io.triage.model.text.TextInput;

import java.util.List;

/**
 * Gradient steps on a {@link ClassifierModel} with AdamW and softmax cross-entropy. In {@link TrainingMode#HEAD}
 * the encoder's parameters are frozen, so only the head changes. Owns a DJL trainer: close it.
 */
public final class ClassifierTraining implements AutoCloseable {
    private final ClassifierModel model;
    private final Trainer trainer;

    /**
     * @param learningRate e.g. 2e-5 for full fine-tuning, 1e-3 for the head alone
     * @param weightDecay AdamW's decoupled weight decay, e.g. 0.01
     */
    public ClassifierTraining(ClassifierModel model, TrainingMode mode, Tracker learningRate, float weightDecay) {
        this.model = model;
        model.block().encoder().freezeParameters(mode == TrainingMode.HEAD);
        model.block().head().freezeParameters(false);
        DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                .optOptimizer(Optimizer.adamW()
                        .optLearningRateTracker(learningRate)
                        .optWeightDecays(weightDecay)
                        .build());
        trainer = model.djlModel().newTrainer(config);
        Shape shape = new Shape(1, model.config().maxLength());
        trainer.initialize(shape, shape, shape); // weights exist already: this only wires the trainer
    }

    /** One forward/backward/update on a batch; returns the batch's mean loss before the update. */
    public float step(List<TextInput> inputs, int[] labels) {
        EncodedBatch batch = model.tokenizer().encodeBatch(inputs);
        float[] targets = new float[labels.length];
        for (int i = 0; i < labels.length; i++) {
            targets[i] = labels[i];
        }
        try (NDManager scope = trainer.getManager().newSubManager()) {
            NDList data = batch.toNDList(scope);
            NDList y = new NDList(scope.create(targets));
            float loss;
            try (GradientCollector collector = trainer.newGradientCollector()) {
                NDList logits = trainer.forward(data, y);
                NDArray l = trainer.getLoss().evaluate(y, logits);
                loss = l.getFloat();
                collector.backward(l);
            }
            trainer.step();
            return loss;
        }
    }

    @Override
    public void close() {
        trainer.close();
        model.block().freezeParameters(false);
    }
}
