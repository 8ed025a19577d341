package io.triage.model.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Shape and numerics of a BERT-family encoder, read from and written to a Hugging Face config.json.
 *
 * @param padTokenId only RoBERTa uses it: its position ids start at {@code padTokenId + 1}
 */
public record EncoderConfig(
        ModelType modelType,
        int vocabSize,
        int hiddenSize,
        int numLayers,
        int numHeads,
        int intermediateSize,
        int maxPositions,
        int typeVocabSize,
        float layerNormEps,
        float hiddenDropout,
        float attentionDropout,
        int padTokenId) {

    public EncoderConfig {
        if (hiddenSize % numHeads != 0) {
            throw new IllegalArgumentException(
                    "hidden size " + hiddenSize + " is not a multiple of the head count " + numHeads);
        }
    }

    public int headSize() {
        return hiddenSize / numHeads;
    }

    /** Whether the encoder has a token-type (segment) embedding worth feeding. */
    public boolean usesTokenTypes() {
        return modelType != ModelType.DISTILBERT && typeVocabSize > 1;
    }

    /** Positions usable by text tokens (RoBERTa reserves the first {@code padTokenId + 1}). */
    public int maxTextPositions() {
        return modelType == ModelType.ROBERTA ? maxPositions - padTokenId - 1 : maxPositions;
    }

    /** Reads a Hugging Face config.json; refuses activations other than exact GELU. */
    public static EncoderConfig fromHfConfig(JsonNode c) {
        ModelType type = ModelType.fromHfName(required(c, "model_type").asText());
        String act = type == ModelType.DISTILBERT ? c.path("activation").asText("gelu") : c.path("hidden_act").asText("gelu");
        if (!"gelu".equals(act)) {
            throw new IllegalArgumentException("Unsupported activation '" + act + "': only exact (erf) gelu is implemented");
        }
        if (type == ModelType.DISTILBERT) {
            return new EncoderConfig(type,
                    required(c, "vocab_size").asInt(),
                    required(c, "dim").asInt(),
                    required(c, "n_layers").asInt(),
                    required(c, "n_heads").asInt(),
                    required(c, "hidden_dim").asInt(),
                    c.path("max_position_embeddings").asInt(512),
                    0,
                    1e-12f, // fixed in Hugging Face's DistilBERT
                    (float) c.path("dropout").asDouble(0.1),
                    (float) c.path("attention_dropout").asDouble(0.1),
                    c.path("pad_token_id").asInt(0));
        }
        return new EncoderConfig(type,
                required(c, "vocab_size").asInt(),
                required(c, "hidden_size").asInt(),
                required(c, "num_hidden_layers").asInt(),
                required(c, "num_attention_heads").asInt(),
                required(c, "intermediate_size").asInt(),
                c.path("max_position_embeddings").asInt(512),
                c.path("type_vocab_size").asInt(2),
                (float) c.path("layer_norm_eps").asDouble(1e-12),
                (float) c.path("hidden_dropout_prob").asDouble(0.1),
                (float) c.path("attention_probs_dropout_prob").asDouble(0.1),
                c.path("pad_token_id").asInt(type == ModelType.ROBERTA ? 1 : 0));
    }

    /** Writes the Hugging Face fields of this config into {@code out}. */
    public void writeHfConfig(ObjectNode out) {
        out.put("model_type", modelType.hfName());
        out.put("vocab_size", vocabSize);
        out.put("max_position_embeddings", maxPositions);
        out.put("pad_token_id", padTokenId);
        if (modelType == ModelType.DISTILBERT) {
            out.put("dim", hiddenSize);
            out.put("n_layers", numLayers);
            out.put("n_heads", numHeads);
            out.put("hidden_dim", intermediateSize);
            out.put("activation", "gelu");
            out.put("dropout", hiddenDropout);
            out.put("attention_dropout", attentionDropout);
            return;
        }
        out.put("hidden_size", hiddenSize);
        out.put("num_hidden_layers", numLayers);
        out.put("num_attention_heads", numHeads);
        out.put("intermediate_size", intermediateSize);
        out.put("type_vocab_size", typeVocabSize);
        out.put("layer_norm_eps", layerNormEps);
        out.put("hidden_act", "gelu");
        out.put("hidden_dropout_prob", hiddenDropout);
        out.put("attention_probs_dropout_prob", attentionDropout);
    }

    private static JsonNode required(JsonNode c, String field) {
        JsonNode v = c.get(field);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("config.json lacks required field '" + field + "'");
        }
        return v;
    }
}
