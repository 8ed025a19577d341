package io.triage.model.infer;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.jni.JniUtils;
import io.triage.model.ClassifierModel;
import io.triage.model.nn.SequenceClassifier;
import io.triage.model.text.EncodedBatch;

/**
 * The forward pass on DJL's PyTorch engine, through the model's own {@code SequenceClassifier} block: every call
 * in its own {@link NDManager} scope, so all intermediate tensors are freed when it returns. Runs on the CPU or a
 * GPU, in fp32 or fp16; the model's weights stay with the model, which the classifier closes.
 */
final class PyTorchForward implements ForwardPass {
    private final Model model;
    private final SequenceClassifier block;
    private final InferenceWeights weights;
    private final int labels;

    PyTorchForward(ClassifierModel classifier, Precision precision) {
        this.model = classifier.djlModel();
        this.block = classifier.block();
        this.weights = new InferenceWeights(model.getNDManager(), precision.dataType());
        this.labels = classifier.config().numLabels();
    }

    /** One forward pass; the timer's laps split it into stages (the scope's close is charged with its open). */
    @Override
    public float[][] logits(EncodedBatch batch, StageTimer timer) {
        JniUtils.setGradMode(false); // grad mode is per thread in PyTorch; stream threads start with it on
        timer.lap(InferenceStage.GRAD_MODE);
        NDManager scope = model.getNDManager().newSubManager();
        timer.lap(InferenceStage.MANAGER);
        try {
            NDList inputs = batch.toNDList(scope);
            timer.lap(InferenceStage.TENSORS);
            NDArray logits = block.forward(weights, inputs, false).head().toType(DataType.FLOAT32, false);
            timer.lap(InferenceStage.FORWARD);
            float[][] out = ForwardPass.rows(logits.toFloatArray(), batch.size(), labels);
            timer.lap(InferenceStage.COPY_OUT);
            timer.countArrays(scope);
            return out;
        } finally {
            scope.close();
            timer.lap(InferenceStage.MANAGER);
        }
    }

    @Override
    public InferenceEngine engine() {
        return InferenceEngine.PYTORCH;
    }

    @Override
    public int liveArrays() {
        return model.getNDManager().getParentManager().getManagedArrays().size();
    }

    @Override
    public boolean isOpen() {
        return model.getNDManager().isOpen();
    }

    @Override
    public void close() {
        weights.close();
    }
}
