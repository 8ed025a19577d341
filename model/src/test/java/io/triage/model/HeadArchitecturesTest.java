package io.triage.model;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.triage.model.config.HeadType;
import io.triage.model.config.ModelOverrides;
import io.triage.model.io.ModelArtifact;
import io.triage.model.io.ModelLoader;
import io.triage.model.io.SafetensorsWeights;
import io.triage.model.text.Encoded;
import io.triage.model.text.EncodedBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every common {@code *ForSequenceClassification} checkpoint, written by hand in transformers' layout, loads with the
 * head it defines; its logits match an independent reference of that head; and the artifact Triage writes back has
 * exactly the tensors and config fields transformers expects for it.
 */
class HeadArchitecturesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @ParameterizedTest
    @CsvSource({
        "bert, bert., BertForSequenceClassification, BERT",
        "distilbert, distilbert., DistilBertForSequenceClassification, DISTILBERT",
        "roberta, roberta., RobertaForSequenceClassification, ROBERTA",
        "xlm-roberta, roberta., XLMRobertaForSequenceClassification, ROBERTA",
        "camembert, roberta., CamembertForSequenceClassification, ROBERTA",
        "electra, electra., ElectraForSequenceClassification, ELECTRA",
        "deberta-v2, deberta., DebertaV2ForSequenceClassification, DEBERTA"})
    void aClassifierCheckpointKeepsItsHeadAndGoesBackToTransformers(String type, String prefix, String architecture,
            HeadType head) throws Exception {
        TinyCheckpoint ckpt = new TinyCheckpoint(type, 11).withTransformersHead(3).declaring(architecture);
        Path dir = ckpt.write(tmp.resolve(type), prefix);
        Path artifact = tmp.resolve("artifact-" + type);
        float[][] logits;
        try (ClassifierModel model = load(dir)) {
            assertEquals(head, model.config().head());
            assertTrue(model.headTrained(), "a classifier checkpoint's head is trained");
            logits = logits(model);
            assertMatchesReference(ckpt, type, model, logits);
            assertFalse(ModelSummary.render(model).contains("UNTRAINED"), ModelSummary.render(model));
            ModelArtifact.save(model, artifact, null);
        }

        // the artifact: transformers' state-dict names for this architecture, nothing else
        try (SafetensorsWeights weights = SafetensorsWeights.open(artifact.resolve("model.safetensors"))) {
            assertEquals(transformersKeys(ckpt, prefix), new TreeSet<>(weights.shapes().keySet()));
        }
        JsonNode config = JSON.readTree(artifact.resolve("config.json").toFile());
        assertEquals(type, config.get("model_type").asText());
        assertEquals(architecture, config.get("architectures").get(0).asText());
        assertEquals("single_label_classification", config.get("problem_type").asText());
        assertEquals("pos", config.get("id2label").get("1").asText());
        assertEquals(2, config.get("label2id").get("neutral").asInt());
        String dropoutField = switch (type) {
            case "distilbert" -> "seq_classif_dropout";
            case "deberta-v2" -> "cls_dropout";
            default -> "classifier_dropout";
        };
        assertTrue(config.has(dropoutField), config.toString());

        try (ClassifierModel back = load(artifact)) {
            assertEquals(head, back.config().head());
            assertTrue(back.headTrained());
            float[][] again = logits(back);
            for (int i = 0; i < again.length; i++) {
                assertArrayEquals(logits[i], again[i], 0f, "the artifact answers as the checkpoint did");
            }
        }
    }

    @Test
    void aBertArtifactWithTheOldRobertaStyleHeadStillLoadsAndIsWrittenTheBertWay() throws Exception {
        // Triage artifacts of BERT models used to carry classifier.dense / classifier.out_proj
        TinyCheckpoint ckpt = new TinyCheckpoint("bert", 12).withHead(3);
        Path dir = ckpt.write(tmp.resolve("old-bert"), "");
        Path artifact = tmp.resolve("new-bert");
        try (ClassifierModel model = load(dir)) {
            assertEquals(HeadType.BERT, model.config().head());
            assertTrue(model.headTrained());
            assertMatchesReference(ckpt, "roberta-names-tanh", model, logits(model));
            ModelArtifact.save(model, artifact, null);
        }
        try (SafetensorsWeights weights = SafetensorsWeights.open(artifact.resolve("model.safetensors"))) {
            Set<String> names = weights.shapes().keySet();
            assertTrue(names.containsAll(Set.of("bert.pooler.dense.weight", "classifier.weight", "classifier.bias")), names.toString());
            assertFalse(names.contains("classifier.out_proj.weight"), names.toString());
        }
    }

    @Test
    void aDistilBertArtifactWithTheOldRobertaStyleHeadKeepsItsTanhHead() throws Exception {
        TinyCheckpoint ckpt = new TinyCheckpoint("distilbert", 13).withHead(3);
        try (ClassifierModel model = load(ckpt.write(tmp.resolve("old-distil"), ""))) {
            assertEquals(HeadType.ROBERTA, model.config().head());
            assertTrue(model.headTrained());
            assertMatchesReference(ckpt, "roberta", model, logits(model));
            assertTrue(ModelSummary.render(model).contains("does not have"), ModelSummary.render(model));
        }
    }

    @Test
    void aClassifierCheckpointWhoseHeadCannotBeMappedIsRefused() throws Exception {
        // a BERT classifier without its pooler: the classifier alone is not BERT's head
        Path noPooler = new TinyCheckpoint("bert", 14).withExtra("classifier.weight", 3, 32).withExtra("classifier.bias", 3)
                .write(tmp.resolve("no-pooler"), "bert.");
        IOException e = assertThrows(IOException.class, () -> load(noPooler));
        assertTrue(e.getMessage().contains("cannot be mapped") && e.getMessage().contains("bert.pooler.dense.weight"),
                e.getMessage());

        // config.json says it is a classifier, but the weights have no head at all
        Path headless = new TinyCheckpoint("distilbert", 15).declaring("DistilBertForSequenceClassification")
                .write(tmp.resolve("headless"), "distilbert.");
        e = assertThrows(IOException.class, () -> load(headless));
        assertTrue(e.getMessage().contains("pre_classifier.weight"), e.getMessage());

        // a head of some other layout (here a three-layer one): never silently replaced by a fresh head
        Path custom = new TinyCheckpoint("roberta", 16).withExtra("classifier.layers.0.weight", 32, 32)
                .write(tmp.resolve("custom"), "roberta.");
        e = assertThrows(IOException.class, () -> load(custom));
        assertTrue(e.getMessage().contains("classifier.layers.0.weight"), e.getMessage());
    }

    @Test
    void aPlainEncoderGetsAnUntrainedHeadKeepingBertsPooler() throws Exception {
        TinyCheckpoint ckpt = new TinyCheckpoint("bert", 17).withExtra("pooler.dense.weight", 32, 32)
                .withExtra("pooler.dense.bias", 32);
        try (ClassifierModel model = load(ckpt.write(tmp.resolve("plain"), "bert."))) {
            assertFalse(model.headTrained());
            assertArrayEquals(ckpt.tensors.get("pooler.dense.weight"),
                    model.namedParameters().get("classifier.dense.weight").getArray().toFloatArray(), 0f);
            String summary = ModelSummary.render(model);
            assertTrue(summary.contains("UNTRAINED") && summary.contains("bert.pooler.dense, classifier"), summary);
            Path artifact = tmp.resolve("untrained-artifact");
            ModelArtifact.save(model, artifact, null);
            try (ClassifierModel back = load(artifact)) {
                assertFalse(back.headTrained(), "an artifact of an untrained head says so");
            }
        }
    }

    @Test
    void relabelingAClassifierKeepsItsPoolerAndStartsItsOutputLayerUntrained() throws Exception {
        TinyCheckpoint ckpt = new TinyCheckpoint("bert", 18).withBertHead(3).declaring("BertForSequenceClassification");
        Path dir = ckpt.write(tmp.resolve("relabel"), "bert.");
        try (ClassifierModel model = ModelLoader.loadFolder(dir,
                ModelOverrides.NONE.withLabels(List.of("yes", "no")).withMaxLength(32), Device.cpu())) {
            assertFalse(model.headTrained());
            assertArrayEquals(ckpt.tensors.get("pooler.dense.weight"),
                    model.namedParameters().get("classifier.dense.weight").getArray().toFloatArray(), 0f);
        }
    }

    private static ClassifierModel load(Path dir) throws IOException {
        return ModelLoader.loadFolder(dir, ModelOverrides.NONE.withMaxLength(32), Device.cpu());
    }

    /** Logits of the model's own forward pass, one row per input. */
    static float[][] logits(ClassifierModel model) {
        EncodedBatch batch = model.tokenizer().encodeBatch(ModelTypesTest.INPUTS);
        float[] flat;
        try (NDManager scope = model.djlModel().getNDManager().newSubManager()) {
            flat = model.block().forward(new ParameterStore(scope, false), batch.toNDList(scope), false).head().toFloatArray();
        }
        int labels = model.config().numLabels();
        float[][] rows = new float[ModelTypesTest.INPUTS.size()][labels];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(flat, i * labels, rows[i], 0, labels);
        }
        return rows;
    }

    /** {@code head}: the architecture whose head the reference computes ("roberta-names-tanh": BERT's old names). */
    static void assertMatchesReference(TinyCheckpoint ckpt, String head, ClassifierModel model, float[][] logits) {
        ReferenceEncoder reference = new ReferenceEncoder(ckpt.tensors, ckpt.type, TinyCheckpoint.HIDDEN,
                TinyCheckpoint.HEADS, TinyCheckpoint.LAYERS, TinyCheckpoint.INTERMEDIATE, ckpt.padId);
        boolean segments = ckpt.type.equals("bert") || ckpt.type.equals("electra");
        double maxDiff = 0;
        for (int i = 0; i < ModelTypesTest.INPUTS.size(); i++) {
            Encoded e = model.tokenizer().encode(ModelTypesTest.INPUTS.get(i));
            float[] first = reference.forward(e.ids(), segments ? e.typeIds() : new long[e.length()])[0];
            float[] expected = head.equals("roberta-names-tanh") ? reference.headLogits(first, 3)
                    : reference.transformersHeadLogits(first, head, 3);
            for (int c = 0; c < 3; c++) {
                maxDiff = Math.max(maxDiff, Math.abs(expected[c] - logits[i][c]));
            }
        }
        assertTrue(maxDiff < 1e-5, ckpt.type + " with a " + head + " head: max |logit - reference| = " + maxDiff);
    }

    /** The state-dict keys transformers' classifier of this type has (persistent buffers aside), as it names them. */
    private static Set<String> transformersKeys(TinyCheckpoint ckpt, String prefix) {
        Set<String> keys = new TreeSet<>();
        for (String name : ckpt.tensors.keySet()) {
            keys.add(ckpt.outsideEncoder(name) ? name : prefix + name);
        }
        return keys;
    }

}
