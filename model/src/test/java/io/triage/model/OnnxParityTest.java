package io.triage.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.triage.model.config.ModelOverrides;
import io.triage.model.infer.InferenceEngine;
import io.triage.model.io.ModelLoader;
import io.triage.model.text.EncodedBatch;
import io.triage.model.text.TextInput;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The DJL/PyTorch encoder reproduces ONNX Runtime on the very ONNX file its weights came from. */
class OnnxParityTest {
    static final List<TextInput> MIXED = List.of(
            TextInput.of("i feel great"),
            TextInput.of("i am feeling rather anxious about tomorrow's exam and cannot sleep at all tonight"),
            TextInput.of("ok"),
            TextInput.pair("How old are you?", "I am six years old."),
            TextInput.of("the customer complained about a duplicate charge after waiting for more than two hours"),
            TextInput.pair("The cat sat on the mat.", "A cat was sitting on a mat, looking very pleased with itself."));

    @Test
    void lastHiddenStateMatchesOnnxRuntime() throws Exception {
        try (ClassifierModel model = ModelLoader.loadBundled(ModelOverrides.NONE, Device.cpu())) {
            EncodedBatch batch = model.tokenizer().encodeBatch(MIXED);
            assertTrue(batch.paddingShare() > 0.3, "the batch must mix lengths so that masking matters");

            float[] djl;
            try (NDManager scope = model.djlModel().getNDManager().newSubManager()) {
                NDArray hidden = model.block().encoder()
                        .forward(new ParameterStore(scope, false), batch.toNDList(scope), false).head();
                djl = hidden.toFloatArray();
            }
            float[] ort = onnxRuntime(batch);
            assertEquals(ort.length, djl.length);

            int hiddenSize = model.config().encoder().hiddenSize();
            double maxDiff = 0;
            for (int i = 0; i < batch.size(); i++) {
                for (int t = 0; t < batch.lengths()[i]; t++) { // padded positions are undefined in both
                    for (int e = 0; e < hiddenSize; e++) {
                        int idx = (i * batch.seqLen() + t) * hiddenSize + e;
                        maxDiff = Math.max(maxDiff, Math.abs(djl[idx] - ort[idx]));
                    }
                }
            }
            assertTrue(maxDiff < 1e-4, "max |DJL - ONNX Runtime| = " + maxDiff);
        }
    }

    static float[] onnxRuntime(EncodedBatch batch) throws Exception {
        byte[] onnx;
        try (InputStream in = OnnxParityTest.class.getClassLoader().getResourceAsStream("all-minilm-l6-v2.onnx")) {
            onnx = in.readAllBytes();
        }
        OrtEnvironment env = InferenceEngine.onnxRuntimeEnvironment();
        long[] shape = {batch.size(), batch.seqLen()};
        try (OrtSession session = env.createSession(onnx, new OrtSession.SessionOptions());
                OnnxTensor ids = OnnxTensor.createTensor(env, LongBuffer.wrap(batch.ids()), shape);
                OnnxTensor mask = OnnxTensor.createTensor(env, LongBuffer.wrap(batch.mask()), shape);
                OnnxTensor types = OnnxTensor.createTensor(env, LongBuffer.wrap(batch.typeIds()), shape);
                OrtSession.Result result = session.run(
                        Map.of("input_ids", ids, "attention_mask", mask, "token_type_ids", types))) {
            FloatBuffer out = ((OnnxTensor) result.get(0)).getFloatBuffer();
            float[] values = new float[out.remaining()];
            out.get(values);
            return values;
        }
    }
}
