package io.triage.model;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.triage.model.config.LabelThresholds;
import io.triage.model.config.ModelOverrides;
import io.triage.model.config.ProblemType;
import io.triage.model.infer.Classification;
import io.triage.model.infer.Precision;
import io.triage.model.infer.TextClassifier;
import io.triage.model.io.ModelArtifact;
import io.triage.model.io.ModelLoader;
import io.triage.model.text.LongInputs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A multi-label checkpoint ({@code problem_type: multi_label_classification}) stays multi-label: one sigmoid per
 * label, every label at or above its threshold applies, thresholds travel in the artifact and can be overridden.
 */
class MultiLabelModelTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> LABELS = List.of("neg", "pos", "neutral");

    @TempDir
    Path tmp;

    @Test
    void aMultiLabelCheckpointScoresEachLabelWithASigmoidAndKeepsEveryLabelOverItsThreshold() throws Exception {
        Path dir = new TinyCheckpoint("bert", 31).withTransformersHead(3).declaring("BertForSequenceClassification")
                .withConfig("problem_type", "multi_label_classification").write(tmp.resolve("ckpt"), "bert.");
        Path artifact = tmp.resolve("artifact");
        try (TextClassifier classifier = TextClassifier.of(load(dir), Precision.FP32)) {
            assertEquals(ProblemType.MULTI_LABEL, classifier.model().config().problemType());
            float[][] logits = classifier.logits(classifier.model().tokenizer().encodeBatch(ModelTypesTest.INPUTS));
            List<Classification> results = classifier.classify(ModelTypesTest.INPUTS);
            boolean someSeveral = false;
            for (int i = 0; i < results.size(); i++) {
                Classification c = results.get(i);
                List<String> expected = new ArrayList<>();
                for (int j = 0; j < LABELS.size(); j++) {
                    float sigmoid = (float) (1 / (1 + Math.exp(-logits[i][j])));
                    assertEquals(sigmoid, c.scores().get(LABELS.get(j)), 1e-6f);
                    if (sigmoid >= 0.5f) {
                        expected.add(LABELS.get(j));
                    }
                }
                assertEquals(expected, c.labels(), "labels at or over 0.5, in label order");
                someSeveral |= expected.size() > 1;
            }
            assertTrue(someSeveral || results.stream().anyMatch(c -> c.labels().isEmpty()),
                    "the fixture should show that the labels are not just the argmax");
            classifier.model().setThresholds(List.of(0.25f, 0.5f, 0.75f));
            ModelArtifact.save(classifier.model(), artifact, null);
        }

        JsonNode config = JSON.readTree(artifact.resolve("config.json").toFile());
        assertEquals("multi_label_classification", config.get("problem_type").asText());
        assertEquals(0.75, config.get("triage").get("thresholds").get("neutral").asDouble(), 1e-6);
        try (ClassifierModel back = load(artifact)) {
            assertEquals(ProblemType.MULTI_LABEL, back.config().problemType());
            assertEquals(List.of(0.25f, 0.5f, 0.75f), back.config().thresholds());
            try (TextClassifier all = TextClassifier.of(back, Precision.FP32, LongInputs.TRUNCATE,
                    LabelThresholds.parse("0,neutral=1.0"))) {
                assertArrayEquals(new float[] {0f, 0f, 1f}, all.thresholds(), 0f);
                for (Classification c : all.classify(ModelTypesTest.INPUTS)) {
                    assertEquals(c.scores().get("neutral") >= 1f ? LABELS : LABELS.subList(0, 2), c.labels());
                }
            }
        }
    }

    @Test
    void aSingleLabelModelAppliesExactlyItsArgmaxAndWritesNoThresholds() throws Exception {
        Path dir = new TinyCheckpoint("bert", 32).withTransformersHead(3).declaring("BertForSequenceClassification")
                .write(tmp.resolve("single"), "bert.");
        Path artifact = tmp.resolve("single-artifact");
        try (TextClassifier classifier = TextClassifier.of(load(dir), Precision.FP32)) {
            assertEquals(ProblemType.SINGLE_LABEL, classifier.model().config().problemType());
            for (Classification c : classifier.classify(ModelTypesTest.INPUTS)) {
                assertEquals(List.of(c.label()), c.labels());
                assertEquals(1.0, c.scores().values().stream().mapToDouble(Float::doubleValue).sum(), 1e-5);
            }
            ModelArtifact.save(classifier.model(), artifact, null);
        }
        JsonNode config = JSON.readTree(artifact.resolve("config.json").toFile());
        assertEquals("single_label_classification", config.get("problem_type").asText());
        assertFalse(config.get("triage").has("thresholds"), config.toString());
    }

    @Test
    void badProblemTypesAndThresholdsAreClearErrors() throws Exception {
        Path regression = new TinyCheckpoint("bert", 33).withTransformersHead(3)
                .withConfig("problem_type", "regression").write(tmp.resolve("regression"), "bert.");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> load(regression).close());
        assertTrue(e.getMessage().contains("problem_type") && e.getMessage().contains("regression"), e.getMessage());

        for (String bad : List.of("abc", "1.5", "joy=-0.1", "0.3,0.4", "joy=0.2,joy=0.3")) {
            assertThrows(IllegalArgumentException.class, () -> LabelThresholds.parse(bad), bad);
        }
        assertEquals(LabelThresholds.FROM_MODEL, LabelThresholds.parse(" "));
        Path dir = new TinyCheckpoint("bert", 34).withTransformersHead(3)
                .withConfig("problem_type", "multi_label_classification").write(tmp.resolve("ml"), "bert.");
        try (ClassifierModel model = load(dir)) {
            e = assertThrows(IllegalArgumentException.class,
                    () -> TextClassifier.of(model, Precision.FP32, LongInputs.TRUNCATE, LabelThresholds.parse("joy=0.3")));
            assertTrue(e.getMessage().contains("'joy'"), e.getMessage());
        }
    }

    private static ClassifierModel load(Path dir) throws IOException {
        return ModelLoader.loadFolder(dir, ModelOverrides.NONE.withMaxLength(32), Device.cpu());
    }
}
