package io.triage.model;

import ai.djl.Device;
import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.triage.model.config.ModelOverrides;
import io.triage.model.config.Pooling;
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
import java.util.List;

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

    @ParameterizedTest(name = "{0} pooling")
    @CsvSource({"FIRST_TOKEN, 1", "MEAN, 2"})
    void onlyAMeanPoolingClassifierComputesEveryTokenInItsLastLayer(Pooling pooling, int fusedAttentions)
            throws Exception {
        Path dir = new TinyCheckpoint("bert", 5).withTransformersHead(3).declaring("BertForSequenceClassification")
                .write(tmp.resolve("bert"), "bert.");
        try (ClassifierModel model = ModelLoader.loadFolder(dir, ModelOverrides.NONE.withPooling(pooling),
                Device.cpu())) {
            assertEquals(2, model.config().encoder().numLayers());
            List<String> ops = OnnxMl.ModelProto.parseFrom(ClassifierGraph.export(model)).getGraph().getNodeList()
                    .stream().map(OnnxMl.NodeProto::getOpType).toList();
            // first token: the last layer's one query runs on plain operators (Softmax) beside the fused layers
            assertEquals(fusedAttentions, ops.stream().filter("Attention"::equals).count(), ops.toString());
            assertEquals(2 - fusedAttentions, ops.stream().filter("Softmax"::equals).count(), ops.toString());
        }
    }
}
