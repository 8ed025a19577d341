package io.triage.model.io;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.triage.model.config.ClassifierConfig;
import io.triage.model.config.ConfigFields;
import io.triage.model.config.EncoderConfig;
import io.triage.model.config.HeadType;
import io.triage.model.config.LabelThresholds;
import io.triage.model.config.ModelLimits;
import io.triage.model.config.ModelOverrides;
import io.triage.model.config.ModelType;
import io.triage.model.config.Pooling;
import io.triage.model.config.ProblemType;

import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * config.json of a model folder: the Hugging Face fields (so Triage artifacts stay readable by Hugging Face
 * tools) plus a {@code triage} section with what Hugging Face has no field for.
 */
final class ConfigJson {
    static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET); // callers fsync before closing
    private static final String TRIAGE = "triage";
    private static final String HEAD_TRAINED = "head_trained";
    private static final String THRESHOLDS = "thresholds";

    private ConfigJson() {}

    /** @param headTrained whether the head holds trained weights (an artifact of a fresh head says it has none) */
    static ObjectNode write(ClassifierConfig config, boolean headTrained) {
        ObjectNode root = JSON.createObjectNode();
        config.encoder().writeHfConfig(root);
        ObjectNode id2label = root.putObject("id2label");
        ObjectNode label2id = root.putObject("label2id");
        for (int i = 0; i < config.numLabels(); i++) {
            id2label.put(String.valueOf(i), config.labels().get(i));
            label2id.put(config.labels().get(i), i);
        }
        // what AutoModelForSequenceClassification reads to rebuild this classifier, head included
        if (config.headIsTransformers()) {
            root.putArray("architectures").add(config.encoder().modelType().classifierArchitecture());
        }
        root.put("problem_type", config.problemType().hfName());
        root.put(headDropoutField(config.encoder().modelType()), config.headDropout());
        ObjectNode triage = root.putObject(TRIAGE);
        triage.put("name", config.name());
        triage.put("version", config.version());
        triage.put("pooling", config.pooling().name().toLowerCase(Locale.ROOT));
        triage.put("max_length", config.maxLength());
        triage.put(HEAD_TRAINED, headTrained);
        if (config.multiLabel()) { // single-label artifacts stay as they were
            ObjectNode thresholds = triage.putObject(THRESHOLDS);
            for (int i = 0; i < config.numLabels(); i++) {
                thresholds.put(config.labels().get(i), config.thresholds().get(i));
            }
        }
        return root;
    }

    /**
     * Reads a config.json; overrides win, then the {@code triage} section, then the defaults given. The file's own
     * values are checked even where overrides replace them: a malformed one is an error naming its field.
     *
     * @param defaultPooling pooling when neither overrides nor the file say
     */
    static ClassifierConfig read(JsonNode root, ModelOverrides o, String defaultName, Pooling defaultPooling,
            int defaultMaxLength) {
        EncoderConfig encoder = EncoderConfig.fromHfConfig(root);
        JsonNode triage = root.path(TRIAGE);
        if (!triage.isMissingNode() && !triage.isObject()) {
            throw new IllegalArgumentException("config.json field '" + TRIAGE + "' is not an object");
        }
        Integer fileMaxLength = triage.hasNonNull("max_length")
                ? ConfigFields.integer(triage, "max_length", 3, encoder.maxTextPositions()) : null;
        String name = first(o.name(), ConfigFields.text(triage, "name", null), defaultName);
        String version = first(o.version(), ConfigFields.text(triage, "version", null), "0");
        Pooling pooling = first(o.pooling(), pooling(ConfigFields.text(triage, "pooling", null)), defaultPooling);
        int maxLength = first(o.maxLength(), fileMaxLength, Math.min(defaultMaxLength, encoder.maxTextPositions()));
        List<String> labels = first(o.labels(), labels(root), null);
        if (labels == null) {
            throw new IllegalArgumentException("config.json has no id2label: give the model's labels explicitly");
        }
        ProblemType fileProblemType = ProblemType.fromHf(ConfigFields.text(root, "problem_type", null));
        ProblemType problemType = first(o.problemType(), fileProblemType);
        return new ClassifierConfig(name, version, encoder, labels, pooling, maxLength, HeadType.of(encoder.modelType()),
                headDropout(root, encoder), problemType, thresholds(triage, labels));
    }

    /** {@code triage.thresholds} by label name; a label it does not name gets the default. */
    private static List<Float> thresholds(JsonNode triage, List<String> labels) {
        JsonNode given = triage.path(THRESHOLDS);
        if (!given.isMissingNode() && !given.isObject()) {
            throw new IllegalArgumentException("config.json field '" + TRIAGE + "." + THRESHOLDS + "' is not an object");
        }
        List<Float> out = LabelThresholds.defaults(labels.size());
        for (int i = 0; i < labels.size(); i++) {
            if (given.has(labels.get(i))) {
                out.set(i, ConfigFields.number(given, labels.get(i), LabelThresholds.DEFAULT, 0, 1.0000001));
            }
        }
        return out;
    }

    /**
     * transformers' head dropout: DistilBERT's seq_classif_dropout, DeBERTa's cls_dropout, the others'
     * classifier_dropout; the hidden dropout when absent.
     */
    private static float headDropout(JsonNode root, EncoderConfig encoder) {
        return encoder.modelType() == ModelType.DISTILBERT
                ? ConfigFields.number(root, "seq_classif_dropout", ClassifierConfig.DISTILBERT_HEAD_DROPOUT, 0, 1)
                : ConfigFields.number(root, headDropoutField(encoder.modelType()), encoder.hiddenDropout(), 0, 1);
    }

    private static String headDropoutField(ModelType type) {
        return switch (type) {
            case DISTILBERT -> "seq_classif_dropout";
            case DEBERTA_V2 -> "cls_dropout";
            default -> "classifier_dropout";
        };
    }

    /** Whether a Triage artifact says its head was never trained ({@code triage.head_trained: false}). */
    static boolean headMarkedUntrained(JsonNode root) {
        JsonNode flag = root.path(TRIAGE).path(HEAD_TRAINED);
        return flag.isBoolean() && !flag.asBoolean();
    }

    /** Whether config.json's {@code architectures} names a sequence classifier, which must then have a head. */
    static boolean declaresClassifier(JsonNode root) {
        JsonNode architectures = root.path("architectures");
        if (!architectures.isArray()) {
            return false;
        }
        for (JsonNode a : architectures) {
            if (a.isTextual() && a.asText().endsWith("ForSequenceClassification")) {
                return true;
            }
        }
        return false;
    }

    private static Pooling pooling(String name) {
        if (name == null) {
            return null;
        }
        for (Pooling p : Pooling.values()) {
            if (p.name().equalsIgnoreCase(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("config.json field '" + TRIAGE + ".pooling' is '" + abbreviated(name)
                + "', not one of " + Arrays.stream(Pooling.values()).map(p -> p.name().toLowerCase(Locale.ROOT)).toList());
    }

    /** id2label as a list (checked against num_labels when the file has both), or {@code null} when there is none. */
    private static List<String> labels(JsonNode root) {
        JsonNode id2label = root.path("id2label");
        if (!id2label.isMissingNode() && !id2label.isNull() && !id2label.isObject()) {
            throw new IllegalArgumentException("config.json field 'id2label' is not an object");
        }
        Integer numLabels = root.hasNonNull("num_labels")
                ? ConfigFields.integer(root, "num_labels", 1, ModelLimits.MAX_LABELS) : null;
        if (!id2label.isObject() || id2label.isEmpty()) {
            return null;
        }
        if (id2label.size() > ModelLimits.MAX_LABELS) {
            throw new IllegalArgumentException("config.json field 'id2label' has " + id2label.size()
                    + " labels, more than " + ModelLimits.MAX_LABELS);
        }
        if (numLabels != null && numLabels != id2label.size()) {
            throw new IllegalArgumentException("config.json field 'num_labels' is " + numLabels + " but 'id2label' has "
                    + id2label.size() + " labels");
        }
        String[] labels = new String[id2label.size()];
        for (Iterator<Map.Entry<String, JsonNode>> it = id2label.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            int id = labelId(e.getKey(), labels.length);
            if (!e.getValue().isTextual()) {
                throw new IllegalArgumentException("config.json id2label[" + id + "] is not a string: "
                        + ConfigFields.abbreviated(e.getValue()));
            }
            if (labels[id] != null) { // "1" and "01", say
                throw new IllegalArgumentException("config.json id2label has id " + id + " twice");
            }
            labels[id] = e.getValue().asText();
        }
        return List.of(labels);
    }

    /** An id2label key, an id in 0..n-1. */
    private static int labelId(String key, int count) {
        try {
            int id = Integer.parseInt(key);
            if (id >= 0 && id < count) {
                return id;
            }
        } catch (NumberFormatException e) {
            // not a number: refused below, as an id out of range is
        }
        throw new IllegalArgumentException("config.json id2label key '" + abbreviated(key) + "' is not an id in 0.."
                + (count - 1));
    }

    private static String abbreviated(String text) {
        return text.length() <= 80 ? text : text.substring(0, 80) + "...";
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
