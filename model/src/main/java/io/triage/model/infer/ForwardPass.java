package io.triage.model.infer;

import io.triage.model.text.EncodedBatch;

/**
 * One engine's forward pass for a {@link TextClassifier}: an encoded batch in, one row of logits per input out.
 * The output activation (softmax or sigmoid) is the classifier's, applied once the same way for every engine.
 * The classifier serializes calls; a pass owns the engine's native memory until closed.
 */
interface ForwardPass extends AutoCloseable {
    /** The head's raw logits [B][labels] in fp32, with the pass's steps charged to {@code timer}. */
    float[][] logits(EncodedBatch batch, StageTimer timer);

    /** The engine this pass runs on, as logs and benchmarks name it. */
    InferenceEngine engine();

    /** NDArrays the engine's model holds now (weights included): flat over a run when nothing leaks. */
    int liveArrays();

    /** Whether the engine still holds the model: false once closed. */
    boolean isOpen();

    @Override
    void close();

    /** Splits a flat [B × labels] row-major logit array into one row per input. */
    static float[][] rows(float[] flat, int batch, int labels) {
        float[][] out = new float[batch][];
        for (int i = 0; i < batch; i++) {
            out[i] = java.util.Arrays.copyOfRange(flat, i * labels, (i + 1) * labels);
        }
        return out;
    }
}
