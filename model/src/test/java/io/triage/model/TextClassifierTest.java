package io.triage.model;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.triage.model.config.ModelOverrides;
import io.triage.model.infer.Classification;
import io.triage.model.infer.InferenceStage;
import io.triage.model.infer.Precision;
import io.triage.model.infer.StageTimer;
import io.triage.model.infer.TextClassifier;
import io.triage.model.io.ModelLoader;
import io.triage.model.text.TextInput;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TextClassifierTest {
    static final List<String> LABELS = List.of("sadness", "joy", "love", "anger", "fear", "surprise");
    static TextClassifier classifier;

    @BeforeAll
    static void load() throws IOException {
        // a non-trivial head: the bundled encoder with a freshly initialized, seeded head
        ai.djl.engine.Engine.getEngine("PyTorch").setRandomSeed(11);
        classifier = TextClassifier.of(ModelLoader.loadBundled(
                ModelOverrides.NONE.withLabels(LABELS).withVersion("3"), Device.cpu()), Precision.FP32);
    }

    @AfterAll
    static void close() {
        classifier.close();
    }

    @Test
    void everyInputGetsAProbabilityPerLabelAndTheVersion() {
        List<Classification> out = classifier.classify(OnnxParityTest.MIXED);
        assertEquals(OnnxParityTest.MIXED.size(), out.size());
        for (Classification c : out) {
            assertEquals(LABELS, List.copyOf(c.scores().keySet()));
            assertEquals(1.0, c.scores().values().stream().mapToDouble(Float::doubleValue).sum(), 1e-5);
            float max = c.scores().values().stream().max(Float::compare).orElseThrow();
            assertEquals(max, c.score());
            assertEquals(max, c.scores().get(c.label()));
            assertEquals("3", c.modelVersion());
        }
    }

    @Test
    void batchingAndLengthGroupingDoNotChangeResults() {
        List<Classification> batched = classifier.classify(OnnxParityTest.MIXED);
        List<Classification> grouped = classifier.classifyGroupedByLength(OnnxParityTest.MIXED, 2);
        for (int i = 0; i < batched.size(); i++) {
            Classification alone = classifier.classify(List.of(OnnxParityTest.MIXED.get(i))).get(0);
            assertScoresClose(alone.scores(), batched.get(i).scores(), 1e-5);
            assertScoresClose(alone.scores(), grouped.get(i).scores(), 1e-5);
        }
    }

    @Test
    void fp16StaysWithinOneHundredthOfFp32() throws IOException {
        ai.djl.engine.Engine.getEngine("PyTorch").setRandomSeed(11);
        try (TextClassifier fp16 = TextClassifier.of(ModelLoader.loadBundled(
                ModelOverrides.NONE.withLabels(LABELS).withVersion("3"), Device.cpu()), Precision.FP16)) {
            List<Classification> exact = classifier.classify(OnnxParityTest.MIXED);
            List<Classification> half = fp16.classify(OnnxParityTest.MIXED);
            for (int i = 0; i < exact.size(); i++) {
                assertScoresClose(exact.get(i).scores(), half.get(i).scores(), 1e-2);
            }
        }
    }

    @Test
    void everyIntermediateTensorIsFreed() {
        List<TextInput> batch = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            batch.add(OnnxParityTest.MIXED.get(i % OnnxParityTest.MIXED.size()));
        }
        assertNoArraysLeftBehind(classifier, batch, 50);
    }

    @Test
    void fp16LeavesNoArraysBehind() throws IOException {
        // fp16 computes its LayerNorms in fp32: the weights' fp32 copies must be the call's, not the weights'
        try (TextClassifier fp16 = TextClassifier.of(ModelLoader.loadBundled(
                ModelOverrides.NONE.withLabels(LABELS), Device.cpu()), Precision.FP16)) {
            assertNoArraysLeftBehind(fp16, OnnxParityTest.MIXED.subList(0, 4), 2); // fp16 is slow on a CPU
        }
    }

    /** {@code rounds} classify calls on {@code batch}, plain and grouped by length, leave the PyTorch engine's arrays as they were. */
    static void assertNoArraysLeftBehind(TextClassifier classifier, List<TextInput> batch, int rounds) {
        classifier.classify(batch); // the first call may make what later calls reuse (fp16 weight copies)
        // the engine-wide root manager sees every live array of every manager below it
        NDManager root = classifier.model().djlModel().getNDManager().getParentManager();
        int before = root.getManagedArrays().size();
        for (int i = 0; i < rounds; i++) {
            classifier.classify(batch);
            classifier.classifyGroupedByLength(batch, 4);
        }
        assertEquals(before, root.getManagedArrays().size(), "arrays left alive by " + 2 * rounds + " classify calls");
    }

    @Test
    void profiledClassifyGivesTheSameResultsAndTimesEveryStage() {
        List<Classification> plain = classifier.classify(OnnxParityTest.MIXED);
        StageTimer timer = StageTimer.start();
        List<Classification> profiled = classifier.classify(OnnxParityTest.MIXED, timer);
        assertEquals(plain.size(), profiled.size());
        for (int i = 0; i < plain.size(); i++) { // the same steps on the same batch (1e-6: no reliance on bitwise repeats)
            assertEquals(plain.get(i).label(), profiled.get(i).label());
            assertScoresClose(plain.get(i).scores(), profiled.get(i).scores(), 1e-6);
        }
        for (InferenceStage stage : InferenceStage.values()) {
            assertTrue(timer.nanos(stage) >= 0, stage.label());
        }
        assertTrue(timer.totalNanos() > 0);
        assertTrue(timer.liveArrays() >= 3, "at least the three input tensors: " + timer.liveArrays());
        // the shared off-timer records nothing
        classifier.classify(OnnxParityTest.MIXED, StageTimer.OFF);
        assertEquals(0, StageTimer.OFF.totalNanos());
        assertEquals(-1, StageTimer.OFF.liveArrays());
    }

    static void assertScoresClose(Map<String, Float> expected, Map<String, Float> actual, double tolerance) {
        expected.forEach((label, p) -> assertEquals(p, actual.get(label), tolerance, label));
    }
}
