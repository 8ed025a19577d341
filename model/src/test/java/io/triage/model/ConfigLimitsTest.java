package io.triage.model;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.triage.model.config.ModelOverrides;
import io.triage.model.io.ModelLoader;
import io.triage.model.nn.SequenceClassifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A config.json with a malformed or oversized value is refused, naming the field, before the model is built. */
class ConfigLimitsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void refusesDimensionsOutsideTheirBounds() throws Exception {
        Path dir = new TinyCheckpoint("bert", 1).withHead(3).write(tmp.resolve("bert"), "");
        ObjectNode valid = (ObjectNode) JSON.readTree(dir.resolve("config.json").toFile());
        Map<String, Object> refused = Map.ofEntries(
                Map.entry("hidden_size", 0),
                Map.entry("num_hidden_layers", -1),
                Map.entry("num_attention_heads", 257),
                Map.entry("intermediate_size", 65_537),
                Map.entry("vocab_size", 1_000_001),
                Map.entry("max_position_embeddings", 65_537),
                Map.entry("type_vocab_size", 0),
                Map.entry("pad_token_id", TinyCheckpoint.VOCAB),
                Map.entry("layer_norm_eps", -1.0),
                Map.entry("hidden_dropout_prob", 1.5));
        for (Map.Entry<String, Object> e : refused.entrySet()) {
            ObjectNode config = valid.deepCopy();
            config.set(e.getKey(), JSON.valueToTree(e.getValue()));
            assertRefused(dir, config, "'" + e.getKey() + "'", String.valueOf(e.getValue()));
        }
    }

    @Test
    void refusesValuesThatAreNotIntegers() throws Exception {
        Path dir = new TinyCheckpoint("bert", 1).withHead(3).write(tmp.resolve("bert"), "");
        ObjectNode valid = (ObjectNode) JSON.readTree(dir.resolve("config.json").toFile());
        // Jackson's asInt would read these as 32, 0 and 1410065408
        for (JsonNode value : new JsonNode[] {JSON.valueToTree(32.5), JSON.valueToTree("32"), JSON.valueToTree(10_000_000_000L)}) {
            ObjectNode config = valid.deepCopy();
            config.set("hidden_size", value);
            assertRefused(dir, config, "'hidden_size' is not an integer");
        }
    }

    @Test
    void refusesAHiddenSizeTheHeadsDoNotDivide() throws Exception {
        Path dir = new TinyCheckpoint("bert", 1).withHead(3).write(tmp.resolve("bert"), "");
        ObjectNode config = (ObjectNode) JSON.readTree(dir.resolve("config.json").toFile());
        config.put("num_attention_heads", 5);
        assertRefused(dir, config, "'hidden_size' (32) is not a multiple of 'num_attention_heads' (5)");

        Path distil = new TinyCheckpoint("distilbert", 1).withHead(3).write(tmp.resolve("distil"), "");
        ObjectNode distilConfig = (ObjectNode) JSON.readTree(distil.resolve("config.json").toFile());
        distilConfig.put("dim", 20_000);
        assertRefused(distil, distilConfig, "'dim'", "20000");
    }

    @Test
    void refusesModelsTooLargeThoughEachFieldIsInBounds() throws Exception {
        Path dir = new TinyCheckpoint("bert", 1).withHead(3).write(tmp.resolve("bert"), "");
        ObjectNode valid = (ObjectNode) JSON.readTree(dir.resolve("config.json").toFile());

        ObjectNode wideTensor = valid.deepCopy();
        wideTensor.put("hidden_size", 16_384).put("num_attention_heads", 256).put("intermediate_size", 65_536);
        assertRefused(dir, wideTensor, "'intermediate_size' × 'hidden_size'", "one tensor may hold");

        ObjectNode manyLayers = valid.deepCopy();
        manyLayers.put("hidden_size", 4_096).put("num_attention_heads", 64).put("intermediate_size", 16_384)
                .put("num_hidden_layers", 128);
        assertRefused(dir, manyLayers, "parameters", "more than the limit");
    }

    @Test
    void refusesMalformedLabels() throws Exception {
        Path dir = new TinyCheckpoint("bert", 1).withHead(3).write(tmp.resolve("bert"), "");
        ObjectNode valid = (ObjectNode) JSON.readTree(dir.resolve("config.json").toFile());

        ObjectNode notAnId = valid.deepCopy();
        notAnId.putObject("id2label").put("0", "neg").put("one", "pos");
        assertRefused(dir, notAnId, "id2label key 'one'");

        ObjectNode twice = valid.deepCopy();
        twice.putObject("id2label").put("0", "neg").put("1", "pos").put("01", "neutral");
        assertRefused(dir, twice, "id 1 twice");

        ObjectNode notText = valid.deepCopy();
        notText.putObject("id2label").put("0", "neg").putObject("1");
        assertRefused(dir, notText, "id2label[1] is not a string");

        ObjectNode count = valid.deepCopy();
        count.put("num_labels", 5);
        assertRefused(dir, count, "'num_labels' is 5", "3 labels");

        ObjectNode pooling = valid.deepCopy();
        pooling.putObject("triage").put("pooling", "median");
        assertRefused(dir, pooling, "'triage.pooling' is 'median'");
    }

    @Test
    void theParameterCountBoundedIsTheEncodersOwn() throws Exception {
        Path dir = new TinyCheckpoint("bert", 1).withHead(3).write(tmp.resolve("bert"), "");
        try (ClassifierModel model = ModelLoader.loadFolder(dir, ModelOverrides.NONE, Device.cpu())) {
            long encoder = model.namedParameters().entrySet().stream()
                    .filter(e -> !e.getKey().startsWith(SequenceClassifier.HEAD_PREFIX))
                    .mapToLong(e -> e.getValue().getArray().size())
                    .sum();
            assertEquals(encoder, model.config().encoder().parameterCount());
        }
    }

    private static void assertRefused(Path dir, ObjectNode config, String... phrases) throws Exception {
        JSON.writeValue(dir.resolve("config.json").toFile(), config);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelLoader.loadFolder(dir, ModelOverrides.NONE, Device.cpu()).close(), config.toString());
        for (String phrase : phrases) {
            assertTrue(e.getMessage().contains(phrase), "'" + phrase + "' missing from: " + e.getMessage());
        }
    }
}
