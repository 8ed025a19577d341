package io.triage.model;

import ai.djl.Device;
import io.triage.model.config.HeadType;
import io.triage.model.config.ModelOverrides;
import io.triage.model.config.Pooling;
import io.triage.model.infer.BatchSplit;
import io.triage.model.infer.Classification;
import io.triage.model.infer.InferenceEngine;
import io.triage.model.infer.Precision;
import io.triage.model.infer.StageTimer;
import io.triage.model.infer.TextClassifier;
import io.triage.model.io.ModelArtifact;
import io.triage.model.io.ModelLoader;
import io.triage.model.text.EncodedBatch;
import io.triage.model.text.LongInputs;
import io.triage.model.text.TextInput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ONNX Runtime engine serves the same classifier as PyTorch: for every architecture, head and pooling, the
 * graph derived from the artifact's weights gives every label score (and logit) within 1e-4 of the PyTorch path,
 * sentence pairs and padding included.
 */
class OnnxEngineParityTest {
    private static final double TOLERANCE = 1e-4;

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0} ({3} head), {4} pooling")
    @CsvSource({
        "bert, bert., BertForSequenceClassification, BERT, FIRST_TOKEN",
        "bert, bert., BertForSequenceClassification, BERT, MEAN",
        "distilbert, distilbert., DistilBertForSequenceClassification, DISTILBERT, FIRST_TOKEN",
        "distilbert, distilbert., DistilBertForSequenceClassification, DISTILBERT, MEAN",
        "roberta, roberta., RobertaForSequenceClassification, ROBERTA, FIRST_TOKEN",
        "roberta, roberta., RobertaForSequenceClassification, ROBERTA, MEAN",
        "xlm-roberta, roberta., XLMRobertaForSequenceClassification, ROBERTA, FIRST_TOKEN",
        "camembert, roberta., CamembertForSequenceClassification, ROBERTA, MEAN",
        "electra, electra., ElectraForSequenceClassification, ELECTRA, FIRST_TOKEN",
        "electra, electra., ElectraForSequenceClassification, ELECTRA, MEAN"})
    void everyArchitectureHeadAndPoolingMatchesPyTorch(String type, String prefix, String architecture, HeadType head,
                                                      Pooling pooling) throws Exception {
        Path dir = new TinyCheckpoint(type, 21).withTransformersHead(3).declaring(architecture)
                .write(tmp.resolve(type), prefix);
        ModelOverrides overrides = ModelOverrides.NONE.withMaxLength(32).withPooling(pooling);
        try (TextClassifier torch = TextClassifier.of(ModelLoader.loadFolder(dir, overrides, Device.cpu()),
                Precision.FP32, LongInputs.TRUNCATE, InferenceEngine.PYTORCH, 1);
                TextClassifier ort = TextClassifier.of(ModelLoader.loadFolder(dir, overrides, Device.cpu()),
                        Precision.FP32, LongInputs.TRUNCATE, InferenceEngine.ONNXRUNTIME, 2)) {
            assertEquals(head, ort.model().config().head());
            assertEquals(InferenceEngine.ONNXRUNTIME, ort.engine());
            assertParity(torch, ort, ModelTypesTest.INPUTS);
        }
    }

    @Test
    void theBundledMiniLmMatchesPyTorchOnPairsAndLongWindowedInputs() throws Exception {
        List<TextInput> inputs = new ArrayList<>(ModelTypesTest.INPUTS);
        inputs.add(TextInput.of("word ".repeat(400))); // past the max length: windows whose logits are averaged
        inputs.add(TextInput.pair("a premise that goes on " + "and on ".repeat(30), "a short hypothesis"));
        Path artifact = tmp.resolve("minilm");
        try (ClassifierModel bundled = ModelLoader.loadBundled(ModelOverrides.NONE, Device.cpu())) {
            ModelArtifact.save(bundled, artifact, null); // one random head for both engines
        }
        try (TextClassifier torch = TextClassifier.of(ModelLoader.loadFolder(artifact, ModelOverrides.NONE, Device.cpu()),
                Precision.FP32, LongInputs.parse("window", 0), InferenceEngine.PYTORCH, 0);
                TextClassifier ort = TextClassifier.of(ModelLoader.loadFolder(artifact, ModelOverrides.NONE, Device.cpu()),
                        Precision.FP32, LongInputs.parse("window", 0), InferenceEngine.AUTO, 0);
                TextClassifier ortOneThread = TextClassifier.of(ModelLoader.loadFolder(artifact, ModelOverrides.NONE,
                        Device.cpu()), Precision.FP32, LongInputs.parse("window", 0), InferenceEngine.ONNXRUNTIME, 1)) {
            assertEquals(Pooling.MEAN, ort.model().config().pooling());
            assertEquals(InferenceEngine.ONNXRUNTIME, ort.engine(), "auto serves fp32 on the CPU with ONNX Runtime");
            assertParity(torch, ort, inputs);
            assertClose(torch.classifyGroupedByLength(inputs, 2), ort.classifyGroupedByLength(inputs, 2));
            EncodedBatch mixed = torch.model().tokenizer().encodeBatch(ModelTypesTest.INPUTS);
            assertTrue(BatchSplit.forThreads(mixed, 1).parts().size() > 1, "one thread runs this batch in parts too");
            assertParity(torch, ortOneThread, inputs);
        }
    }

    @Test
    void autoKeepsPyTorchForFp16AndOnnxRuntimeRefusesIt() throws IOException {
        assertEquals(InferenceEngine.PYTORCH, InferenceEngine.AUTO.resolve(Device.cpu(), Precision.FP16));
        assertEquals(InferenceEngine.PYTORCH, InferenceEngine.AUTO.resolve(Device.gpu(0), Precision.FP32));
        assertEquals(InferenceEngine.ONNXRUNTIME, InferenceEngine.parse(" OnnxRuntime "));
        assertThrows(IllegalArgumentException.class, () -> InferenceEngine.parse("tensorflow"));
        var model = ModelLoader.loadBundled(ModelOverrides.NONE, Device.cpu());
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> TextClassifier.of(
                model, Precision.FP16, LongInputs.TRUNCATE, InferenceEngine.ONNXRUNTIME, 1));
        assertTrue(refused.getMessage().contains("fp32 on the CPU only"), refused.getMessage());
        model.close();
    }

    /** With 2 threads the batch runs as 2 sub-batches: a profiled call counts both parts' arrays. */
    @ParameterizedTest(name = "{0} CPU threads")
    @ValueSource(ints = {1, 2})
    void onnxRuntimeCallsLeaveNoArraysBehind(int threads) throws Exception {
        try (TextClassifier ort = TextClassifier.of(ModelLoader.loadBundled(ModelOverrides.NONE, Device.cpu()),
                Precision.FP32, LongInputs.TRUNCATE, InferenceEngine.ONNXRUNTIME, threads)) {
            StageTimer timer = StageTimer.start();
            ort.classify(ModelTypesTest.INPUTS, timer);
            assertTrue(timer.liveArrays() >= 4 * threads, "3 inputs and the logits per pass: " + timer.liveArrays());
            int before = ort.liveArrays();
            for (int i = 0; i < 200; i++) {
                ort.classify(ModelTypesTest.INPUTS);
            }
            assertEquals(before, ort.liveArrays(), "live NDArrays after 200 calls");
            assertThrows(IllegalStateException.class, () -> ort.model().djlModel(),
                    "the PyTorch weights are released once ONNX Runtime holds its own");
        }
    }

    /**
     * With 2 threads ONNX Runtime runs a batch in sub-batches on a single-threaded session, and one input on the
     * two-threaded one: both are checked.
     */
    private static void assertParity(TextClassifier torch, TextClassifier ort, List<TextInput> inputs) {
        assertClose(torch.classify(inputs), ort.classify(inputs));
        for (TextInput input : inputs) {
            assertClose(torch.classify(List.of(input)), ort.classify(List.of(input)));
        }
        EncodedBatch batch = torch.model().tokenizer().encodeBatch(inputs.subList(0, ModelTypesTest.INPUTS.size()));
        float[][] expected = torch.logits(batch);
        float[][] actual = ort.logits(batch);
        double max = 0;
        for (int i = 0; i < expected.length; i++) {
            for (int j = 0; j < expected[i].length; j++) {
                max = Math.max(max, Math.abs(expected[i][j] - actual[i][j]));
            }
        }
        assertTrue(max < TOLERANCE, "max |logit difference| = " + max);
    }

    private static void assertClose(List<Classification> expected, List<Classification> actual) {
        assertEquals(expected.size(), actual.size());
        double max = 0;
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i).scores().keySet(), actual.get(i).scores().keySet());
            for (var e : expected.get(i).scores().entrySet()) {
                max = Math.max(max, Math.abs(e.getValue() - actual.get(i).scores().get(e.getKey())));
            }
        }
        assertTrue(max < TOLERANCE, "max |score difference| = " + max);
    }
}
