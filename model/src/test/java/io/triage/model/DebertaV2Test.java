package io.triage.model;

import ai.djl.Device;
import ai.djl.training.tracker.Tracker;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.triage.model.config.DisentangledAttention;
import io.triage.model.config.EncoderConfig;
import io.triage.model.config.HeadType;
import io.triage.model.config.ModelOverrides;
import io.triage.model.config.ModelType;
import io.triage.model.infer.InferenceEngine;
import io.triage.model.infer.Precision;
import io.triage.model.infer.TextClassifier;
import io.triage.model.io.ModelArtifact;
import io.triage.model.io.ModelLoader;
import io.triage.model.io.SafetensorsWeights;
import io.triage.model.text.LongInputs;
import io.triage.model.text.TextInput;
import io.triage.model.train.ClassifierTraining;
import io.triage.model.train.TrainingMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DeBERTa-v2/v3 beyond what {@link HeadArchitecturesTest} checks for every architecture (a v3-style checkpoint,
 * shared position projections, against the reference forward pass, and back to transformers): DeBERTa-v2's separate
 * position projections, its config fields, the engine it is served on, and training through the relative attention.
 */
class DebertaV2Test {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void separatePositionProjectionsMatchTheReferenceAndAreWrittenBack() throws Exception {
        TinyCheckpoint ckpt = new TinyCheckpoint("deberta-v2", 21).withSeparatePositionProjections()
                .withTransformersHead(3).declaring("DebertaV2ForSequenceClassification");
        Path artifact = tmp.resolve("artifact");
        try (ClassifierModel model = load(ckpt.write(tmp.resolve("v2"), "deberta."))) {
            assertEquals(HeadType.DEBERTA, model.config().head());
            assertTrue(model.headTrained());
            assertFalse(model.config().encoder().disentangled().shareAttKey());
            HeadArchitecturesTest.assertMatchesReference(ckpt, "deberta-v2", model, HeadArchitecturesTest.logits(model));
            ModelArtifact.save(model, artifact, null);
        }
        try (SafetensorsWeights weights = SafetensorsWeights.open(artifact.resolve("model.safetensors"))) {
            assertTrue(weights.shapes().containsKey("deberta.encoder.layer.1.attention.self.pos_query_proj.weight"));
            assertTrue(weights.shapes().containsKey("pooler.dense.weight"));
            assertFalse(weights.shapes().containsKey("deberta.embeddings.position_embeddings.weight"));
        }
        JsonNode config = JSON.readTree(artifact.resolve("config.json").toFile());
        assertEquals("deberta-v2", config.get("model_type").asText());
        assertFalse(config.get("share_att_key").asBoolean());
        assertEquals(TinyCheckpoint.DEBERTA_BUCKETS, config.get("position_buckets").asInt());
        assertEquals(0, config.get("type_vocab_size").asInt());
        assertEquals("layer_norm", config.get("norm_rel_ebd").asText());
    }

    @Test
    void configFieldsAreReadAsDebertaV2ConfigReadsThem() {
        ObjectNode c = tinyConfig();
        c.putArray("pos_att_type").add("c2p"); // a list, and c2p alone
        DisentangledAttention a = EncoderConfig.fromHfConfig(c).disentangled();
        assertTrue(a.c2p() && !a.p2c() && a.relative() && !a.positionBiasedInput());
        assertEquals(2, a.scaleFactor());
        assertEquals(64, a.maxRelativePositions(), "max_relative_positions -1 means max_position_embeddings");
        assertEquals(128, a.embeddingRows(), "no buckets: 2 × max_relative_positions rows");
        assertEquals(1e-7f, EncoderConfig.fromHfConfig(c).layerNormEps(), 1e-12f, "DeBERTa's default eps");
        EncoderConfig shared = EncoderConfig.fromHfConfig(c.put("share_att_key", true));
        EncoderConfig separate = EncoderConfig.fromHfConfig(c.put("share_att_key", false));
        assertEquals(32 * 32 + 32, separate.parameterCount() - shared.parameterCount(), "pos_key_proj of one layer");

        c.put("conv_kernel_size", 3); // deberta-v2-xlarge's convolution layer
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EncoderConfig.fromHfConfig(c));
        assertTrue(e.getMessage().contains("conv_kernel_size"), e.getMessage());
        ObjectNode other = tinyConfig().put("pos_att_type", "p2c|c2q");
        e = assertThrows(IllegalArgumentException.class, () -> EncoderConfig.fromHfConfig(other));
        assertTrue(e.getMessage().contains("c2q"), e.getMessage());
        ObjectNode act = tinyConfig().put("pooler_hidden_act", "tanh");
        e = assertThrows(IllegalArgumentException.class, () -> EncoderConfig.fromHfConfig(act));
        assertTrue(e.getMessage().contains("pooler_hidden_act"), e.getMessage());
    }

    @Test
    void aDebertaModelIsServedByPyTorchUnderAutoAndRefusedByNameOnOnnxRuntime() throws Exception {
        assertEquals(InferenceEngine.PYTORCH, InferenceEngine.AUTO.resolve(Device.cpu(), Precision.FP32, ModelType.DEBERTA_V2));
        assertEquals(InferenceEngine.ONNXRUNTIME, InferenceEngine.AUTO.resolve(Device.cpu(), Precision.FP32, ModelType.BERT));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> InferenceEngine.ONNXRUNTIME.resolve(Device.cpu(), Precision.FP32, ModelType.DEBERTA_V2));
        assertTrue(e.getMessage().contains("deberta-v2") && e.getMessage().contains("model.engine=pytorch"), e.getMessage());

        Path dir = new TinyCheckpoint("deberta-v2", 22).withTransformersHead(3).write(tmp.resolve("served"), "deberta.");
        try (TextClassifier classifier = TextClassifier.of(load(dir), Precision.FP32, LongInputs.TRUNCATE,
                InferenceEngine.AUTO, 1)) {
            assertEquals(InferenceEngine.PYTORCH, classifier.engine());
            assertEquals(ModelTypesTest.INPUTS.size(), classifier.classify(ModelTypesTest.INPUTS).size());
        }
    }

    @Test
    void servingLeavesNoArraysBehind() throws Exception {
        // the relative embeddings are a weight: what is computed from them must live in the call's scope
        Path dir = new TinyCheckpoint("deberta-v2", 24).withSeparatePositionProjections().withTransformersHead(3)
                .write(tmp.resolve("leak"), "deberta.");
        try (TextClassifier classifier = TextClassifier.of(load(dir), Precision.FP32, LongInputs.TRUNCATE,
                InferenceEngine.PYTORCH, 1)) {
            TextClassifierTest.assertNoArraysLeftBehind(classifier, ModelTypesTest.INPUTS, 5);
        }
    }

    @Test
    void trainingStepsLowerTheLossAndMoveTheRelativeEmbeddings() throws Exception {
        Path dir = new TinyCheckpoint("deberta-v2", 23).withTransformersHead(3).write(tmp.resolve("train"), "deberta.");
        withoutDropout(dir.resolve("config.json")); // dropout's random masks made the six losses noisy, the test flaky
        List<TextInput> texts = List.of(TextInput.of("the delivery was terrible"), TextInput.of("my order made my day"),
                TextInput.pair("when will it arrive?", "is it available on monday?"), TextInput.of("worked perfectly"));
        int[] labels = {0, 1, 2, 1};
        try (ClassifierModel model = load(dir)) {
            float[] before = model.namedParameters().get("encoder.rel_embeddings.weight").getArray().toFloatArray();
            float[] losses = new float[6];
            try (ClassifierTraining training = new ClassifierTraining(model, TrainingMode.FULL, Tracker.fixed(1e-3f), 0f, 1f)) {
                for (int s = 0; s < losses.length; s++) {
                    losses[s] = training.step(texts, labels);
                }
            }
            assertTrue(losses[losses.length - 1] < 0.7 * losses[0], "loss did not fall: " + java.util.Arrays.toString(losses));
            float[] after = model.namedParameters().get("encoder.rel_embeddings.weight").getArray().toFloatArray();
            assertThrows(AssertionError.class, () -> assertArrayEquals(before, after, 0f),
                    "the gradient reaches the relative embeddings through c2p and p2c");
        }
    }

    private static void withoutDropout(Path configJson) throws IOException {
        ObjectNode config = (ObjectNode) JSON.readTree(configJson.toFile());
        for (String field : List.of("hidden_dropout_prob", "attention_probs_dropout_prob", "cls_dropout",
                "pooler_dropout")) {
            config.put(field, 0.0);
        }
        JSON.writeValue(configJson.toFile(), config);
    }

    private static ObjectNode tinyConfig() {
        ObjectNode c = JSON.createObjectNode();
        c.put("model_type", "deberta-v2").put("vocab_size", 100).put("hidden_size", 32).put("num_hidden_layers", 1)
                .put("num_attention_heads", 4).put("intermediate_size", 64).put("max_position_embeddings", 64)
                .put("type_vocab_size", 0).put("relative_attention", true).put("position_biased_input", false)
                .put("max_relative_positions", -1).put("pos_att_type", "p2c|c2p");
        return c;
    }

    private static ClassifierModel load(Path dir) throws IOException {
        return ModelLoader.loadFolder(dir, ModelOverrides.NONE.withMaxLength(32), Device.cpu());
    }
}
