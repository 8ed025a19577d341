package io.triage.model.io;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.triage.model.config.ClassifierConfig;
import io.triage.model.config.EncoderConfig;
import io.triage.model.config.ModelOverrides;
import io.triage.model.config.Pooling;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * config.json of a model folder: the Hugging Face fields (so Triage artifacts stay readable by Hugging Face
 * tools) plus a {@code triage} section with what Hugging Face has no field for.
 */
final class ConfigJson {
    static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET); // callers fsync before closing
    private static final String TRIAGE = "triage";

    private ConfigJson() {}

    static ObjectNode write(ClassifierConfig config) {
        ObjectNode root = JSON.createObjectNode();
        config.encoder().writeHfConfig(root);
        ObjectNode id2label = root.putObject("id2label");
        ObjectNode label2id = root.putObject("label2id");
        for (int i = 0; i < config.numLabels(); i++) {
            id2label.put(String.valueOf(i), config.labels().get(i));
            label2id.put(config.labels().get(i), i);
        }
        ObjectNode triage = root.putObject(TRIAGE);
        triage.put("name", config.name());
        triage.put("version", config.version());
        triage.put("pooling", config.pooling().name().toLowerCase(Locale.ROOT));
        triage.put("max_length", config.maxLength());
        return root;
    }

    /**
     * Reads a config.json; overrides win, then the {@code triage} section, then the defaults given.
     *
     * @param defaultPooling pooling when neither overrides nor the file say
     */
    static ClassifierConfig read(JsonNode root, ModelOverrides o, String defaultName, Pooling defaultPooling,
            int defaultMaxLength) {
        EncoderConfig encoder = EncoderConfig.fromHfConfig(root);
        JsonNode triage = root.path(TRIAGE);
        String name = first(o.name(), text(triage, "name"), defaultName);
        String version = first(o.version(), text(triage, "version"), "0");
        Pooling pooling = first(o.pooling(),
                triage.has("pooling") ? Pooling.valueOf(triage.get("pooling").asText().toUpperCase(Locale.ROOT)) : null,
                defaultPooling);
        int maxLength = first(o.maxLength(), triage.has("max_length") ? triage.get("max_length").asInt() : null,
                Math.min(defaultMaxLength, encoder.maxTextPositions()));
        List<String> labels = first(o.labels(), labels(root.path("id2label")), null);
        if (labels == null) {
            throw new IllegalArgumentException("config.json has no id2label: give the model's labels explicitly");
        }
        return new ClassifierConfig(name, version, encoder, labels, pooling, maxLength);
    }

    private static List<String> labels(JsonNode id2label) {
        if (!id2label.isObject() || id2label.isEmpty()) {
            return null;
        }
        Map<Integer, String> byId = new TreeMap<>();
        id2label.fields().forEachRemaining(e -> byId.put(Integer.parseInt(e.getKey()), e.getValue().asText()));
        List<String> labels = new ArrayList<>(byId.values());
        for (int i = 0; i < labels.size(); i++) {
            if (!byId.containsKey(i)) {
                throw new IllegalArgumentException("id2label ids are not 0.." + (labels.size() - 1) + ": " + byId.keySet());
            }
        }
        return labels;
    }

    private static String text(JsonNode node, String field) {
        return node.hasNonNull(field) ? node.get(field).asText() : null;
    }

    @SafeVarargs
    private static <T> T first(T... candidates) {
        for (T c : candidates) {
            if (c != null) {
                return c;
            }
        }
        return null;
    }
}
