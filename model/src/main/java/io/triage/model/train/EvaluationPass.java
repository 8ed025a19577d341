package io.triage.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import io.triage.model.ClassifierModel;
import io.triage.model.text.EncodedBatch;

/**
 * Forward passes without gradients or dropout, for evaluation and for feature caching: pooled encoder
 * features (what the head sees) and logits, in fp32. Each call frees its tensors before returning.
 */
public final class EvaluationPass implements AutoCloseable {
    private final ClassifierModel model;
    private final NDManager manager;
    private final ParameterStore parameters;

    /** Pooled features [B][hidden] and logits [B][labels] of one batch. */
    public record Outputs(float[][] features, float[][] logits) {}

    public EvaluationPass(ClassifierModel model) {
        this.model = model;
        this.manager = model.djlModel().getNDManager().newSubManager();
        this.parameters = new ParameterStore(manager, false);
    }

    /** Encoder, pooling and head. */
    public Outputs run(EncodedBatch batch) {
        JniUtils.setGradMode(false); // per thread in PyTorch, and on by default
        try (NDManager scope = manager.newSubManager()) {
            NDArray pooled = pooled(scope, batch);
            NDArray logits = model.block().head().forward(parameters, new NDList(pooled), false).head();
            return new Outputs(rows(pooled), rows(logits));
        }
    }

    /** Encoder and pooling only: the features the head is trained on in HEAD mode. */
    public float[][] features(EncodedBatch batch) {
        JniUtils.setGradMode(false);
        try (NDManager scope = manager.newSubManager()) {
            return rows(pooled(scope, batch));
        }
    }

    /** The head alone on pooled features, row-major [n, hidden]. */
    public float[][] logits(float[] features, int n) {
        JniUtils.setGradMode(false);
        try (NDManager scope = manager.newSubManager()) {
            NDArray x = scope.create(features, new Shape(n, features.length / n));
            return rows(model.block().head().forward(parameters, new NDList(x), false).head());
        }
    }

    private NDArray pooled(NDManager scope, EncodedBatch batch) {
        NDList inputs = batch.toNDList(scope);
        NDArray hidden = model.block().encoder().forward(parameters, inputs, false).head();
        return model.block().pool(hidden, inputs.get(2));
    }

    private static float[][] rows(NDArray matrix) {
        int n = (int) matrix.getShape().get(0);
        int width = (int) matrix.getShape().get(1);
        float[] flat = matrix.toType(DataType.FLOAT32, false).toFloatArray();
        float[][] out = new float[n][width];
        for (int i = 0; i < n; i++) {
            System.arraycopy(flat, i * width, out[i], 0, width);
        }
        return out;
    }

    @Override
    public void close() {
        manager.close();
    }
}
