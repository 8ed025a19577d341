package io.triage.model;

import ai.djl.Device;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.triage.model.config.ModelOverrides;
import io.triage.model.infer.InferenceEngine;
import io.triage.model.io.ModelLoader;
import io.triage.model.onnx.ClassifierGraph;
import io.triage.model.onnx.ClassifierGraph.AttentionForm;
import io.triage.model.onnx.ClassifierGraph.EmbeddingForm;
import io.triage.model.text.EncodedBatch;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The graph forms that are not served by default (kept for A/Bs: docs/benchmarks.md) compute the same logits as
 * the served form, for each way of numbering positions and token types: BERT (types, positions 0..S-1), RoBERTa
 * (one type row, positions after the padding id), DistilBERT (no types). The served form is checked against
 * PyTorch by {@link OnnxEngineParityTest}.
 */
class ClassifierGraphFormsTest {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}")
    @CsvSource({"bert, bert., BertForSequenceClassification",
        "roberta, roberta., RobertaForSequenceClassification",
        "distilbert, distilbert., DistilBertForSequenceClassification"})
    void everyFormGivesTheServedFormsLogits(String type, String prefix, String architecture) throws Exception {
        Path dir = new TinyCheckpoint(type, 5).withTransformersHead(3).declaring(architecture)
                .write(tmp.resolve(type), prefix);
        OrtEnvironment env = InferenceEngine.onnxRuntimeEnvironment();
        try (ClassifierModel model = ModelLoader.loadFolder(dir, ModelOverrides.NONE.withMaxLength(32), Device.cpu());
                OrtSession.SessionOptions options = InferenceEngine.onnxRuntimeSessionOptions(1);
                OrtSession served = env.createSession(ClassifierGraph.export(model), options)) {
            EncodedBatch batch = model.tokenizer().encodeBatch(ModelTypesTest.INPUTS); // a pair and padding
            float[] expected = OrtRuns.run(env, served, batch);
            for (AttentionForm attention : AttentionForm.values()) {
                for (EmbeddingForm embedding : EmbeddingForm.values()) {
                    try (OrtSession s = env.createSession(ClassifierGraph.export(model, attention, embedding), options)) {
                        float[] actual = OrtRuns.run(env, s, batch);
                        assertEquals(expected.length, actual.length);
                        double max = 0;
                        for (int i = 0; i < expected.length; i++) {
                            max = Math.max(max, Math.abs(expected[i] - actual[i]));
                        }
                        assertTrue(max < 1e-5, attention + ", " + embedding + ": max |logit difference| " + max);
                    }
                }
            }
        }
    }
}
