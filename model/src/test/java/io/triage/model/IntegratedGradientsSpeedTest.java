package io.triage.model;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.triage.model.config.ModelOverrides;
import io.triage.model.explain.Attribution;
import io.triage.model.explain.Baseline;
import io.triage.model.explain.IntegratedGradients;
import io.triage.model.explain.LabeledText;
import io.triage.model.explain.NearestExamples;
import io.triage.model.io.ModelLoader;
import io.triage.model.text.TextInput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The batched integrated gradients give the answer the step-by-step ones gave: {@code ig-reference.json} holds
 * attributions recorded with the code before it was batched (one path point per forward pass, one backward pass per
 * label: {@code stepsPerPass} 1), on tiny seeded checkpoints. Re-record only on purpose, with
 * {@code -Dtriage.ig.record=true}. And many explanations leave no tensor alive and the caller's settings as they
 * were.
 */
class IntegratedGradientsSpeedTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REFERENCE = "ig-reference.json";
    private static final int STEPS = 64;
    /** float32 sums in another order differ in the last bits; the attributions here are 1e-4 to 1e-1 */
    private static final double SAME = 2e-6;
    private static final List<TextInput> INPUTS = List.of(
            TextInput.of("the delivery was late and the box was broken"),
            TextInput.of("great"),
            TextInput.pair("is the parcel lost", "it arrived this morning"));

    @TempDir
    Path tmp;

    @Test
    void batchedAttributionsEqualTheRecordedStepByStepOnes() throws IOException {
        if (Boolean.getBoolean("triage.ig.record")) {
            record(Path.of("src/test/resources", REFERENCE));
        }
        JsonNode reference;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(REFERENCE)) {
            assertNotNull(in, REFERENCE);
            reference = JSON.readTree(in);
        }
        for (String type : List.of("bert", "roberta")) {
            try (ClassifierModel model = tiny(type)) {
                // all steps in one pass (the default), and uneven chunks of 5 (…, 5, 4)
                for (int i = 0; i < INPUTS.size() * 2; i++) {
                    int perPass = i < INPUTS.size() ? IntegratedGradients.DEFAULT_STEPS_PER_PASS : 5;
                    TextInput input = INPUTS.get(i % INPUTS.size());
                    Attribution a = new IntegratedGradients(model, STEPS, perPass, Baseline.PAD).explain(input);
                    JsonNode expected = reference.path(type).get(i % INPUTS.size());
                    String where = type + " " + input + " " + perPass + " steps per pass";
                    assertEquals(expected.path("tokens").size(), a.tokens().size(), where);
                    for (int j = 0; j < a.labels().size(); j++) {
                        assertEquals(expected.path("scores").get(j).asDouble(), a.scores()[j], SAME, where);
                        assertEquals(expected.path("baseline").get(j).asDouble(), a.baselineScores()[j], SAME, where);
                        for (int t = 0; t < a.tokens().size(); t++) {
                            assertEquals(expected.path("attributions").get(j).get(t).asDouble(),
                                    a.attributions()[j][t], SAME, where + " label " + j + " token " + t);
                        }
                    }
                    assertTrue(a.maxAbsoluteGap() < IntegratedGradientsTest.TOLERANCE, where + ": gap");
                }
            }
        }
    }

    @Test
    void manyExplanationsLeaveNoArrayAliveAndRestoreTheThreadsAndGradientMode() throws IOException {
        try (ClassifierModel model = tiny("bert")) {
            NDManager root = model.djlModel().getNDManager().getParentManager();
            IntegratedGradients ig = new IntegratedGradients(model, 16, 3, Baseline.PAD);
            ig.explain(INPUTS.get(0)); // the first call may allocate what stays for the model's life
            int arrays = root.getManagedArrays().size();
            int threads = JniUtils.getNumThreads() == 1 ? 2 : JniUtils.getNumThreads();
            JniUtils.setNumThreads(threads);
            List<LabeledText> examples = INPUTS.stream().map(input -> new LabeledText(input, "neg")).toList();
            for (int n = 0; n < 10; n++) {
                ig.explain(INPUTS.get(n % INPUTS.size()));
                new NearestExamples(model).find(INPUTS.get(0), examples.iterator(), 2);
            }
            assertEquals(arrays, root.getManagedArrays().size(), "arrays left alive by 10 explanations");
            assertEquals(threads, JniUtils.getNumThreads(), "the caller's intra-op threads are restored");
            assertFalse(JniUtils.isGradMode(), "gradients are off again");
        }
    }

    /** Writes the step-by-step attributions: run on the code before batching, kept as the reference. */
    private void record(Path file) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        for (String type : List.of("bert", "roberta")) {
            ArrayNode runs = root.putArray(type);
            try (ClassifierModel model = tiny(type)) {
                for (TextInput input : INPUTS) {
                    Attribution a = new IntegratedGradients(model, STEPS, 1, Baseline.PAD).explain(input);
                    ObjectNode run = runs.addObject();
                    a.tokens().forEach(run.putArray("tokens")::add);
                    ArrayNode scores = run.putArray("scores");
                    ArrayNode baseline = run.putArray("baseline");
                    ArrayNode attributions = run.putArray("attributions");
                    for (int j = 0; j < a.labels().size(); j++) {
                        scores.add(a.scores()[j]);
                        baseline.add(a.baselineScores()[j]);
                        ArrayNode row = attributions.addArray();
                        for (float value : a.attributions()[j]) {
                            row.add(value);
                        }
                    }
                }
            }
        }
        Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
    }

    private ClassifierModel tiny(String type) throws IOException {
        Path dir = new TinyCheckpoint(type, 51).withTransformersHead(3)
                .declaring(type.equals("bert") ? "BertForSequenceClassification" : "RobertaForSequenceClassification")
                .write(tmp.resolve(type), type + ".");
        return ModelLoader.loadFolder(dir, ModelOverrides.NONE.withMaxLength(32), Device.cpu());
    }
}
