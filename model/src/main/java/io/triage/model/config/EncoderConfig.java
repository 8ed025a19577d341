package io.triage.model.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Shape and numerics of a BERT-family encoder, read from and written to a Hugging Face config.json.
 *
 * @param padTokenId only RoBERTa uses it: its position ids start at {@code padTokenId + 1}
 * @param disentangled DeBERTa-v2/v3's attention options; {@code null} for every other type
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
        int padTokenId,
        DisentangledAttention disentangled) {

    /** An encoder of a type without DeBERTa's attention options. */
    public EncoderConfig(ModelType modelType, int vocabSize, int hiddenSize, int numLayers, int numHeads,
            int intermediateSize, int maxPositions, int typeVocabSize, float layerNormEps, float hiddenDropout,
            float attentionDropout, int padTokenId) {
        this(modelType, vocabSize, hiddenSize, numLayers, numHeads, intermediateSize, maxPositions, typeVocabSize,
                layerNormEps, hiddenDropout, attentionDropout, padTokenId, null);
    }

    public EncoderConfig {
        if ((modelType == ModelType.DEBERTA_V2) != (disentangled != null)) {
            throw new IllegalArgumentException("DeBERTa's attention options belong to a deberta-v2 encoder only");
        }
        if (numHeads <= 0 || hiddenSize % numHeads != 0) {
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
        return modelType.positionsAfterPadding() ? maxPositions - padTokenId - 1 : maxPositions;
    }

    /** Whether absolute position embeddings are added to the input (DeBERTa-v3 has none). */
    public boolean positionEmbeddings() {
        return disentangled == null || disentangled.positionBiasedInput();
    }

    /** How many weights the encoder has (embeddings and layers, not the head). */
    public long parameterCount() {
        long h = hiddenSize;
        long positions = positionEmbeddings() ? maxPositions : 0;
        long relative = disentangled == null || !disentangled.relative() ? 0 : disentangled.embeddingRows() + 2L;
        long embeddings = ((long) vocabSize + positions + typeVocabSize + relative) * h + 2 * h;
        long layer = 4 * h * h + 2 * h * intermediateSize + 9 * h + intermediateSize;
        if (disentangled != null && disentangled.relative() && !disentangled.shareAttKey()) { // pos_key/query_proj
            layer += ((disentangled.c2p() ? 1 : 0) + (disentangled.p2c() ? 1 : 0)) * (h * h + h);
        }
        return embeddings + numLayers * layer;
    }

    /**
     * Reads a Hugging Face config.json; refuses activations other than exact GELU, and sizes outside
     * {@link ModelLimits} (an error naming the field, before any memory is allocated for the model).
     */
    public static EncoderConfig fromHfConfig(JsonNode c) {
        if (c == null || !c.isObject()) {
            throw new IllegalArgumentException("config.json is not a JSON object");
        }
        ModelType type = ModelType.fromHfName(ConfigFields.text(c, "model_type"));
        boolean distil = type == ModelType.DISTILBERT;
        String act = ConfigFields.text(c, distil ? "activation" : "hidden_act", "gelu");
        if (!"gelu".equals(act)) {
            throw new IllegalArgumentException("Unsupported activation '" + act + "': only exact (erf) gelu is implemented");
        }
        String hiddenField = distil ? "dim" : "hidden_size";
        String headsField = distil ? "n_heads" : "num_attention_heads";
        String intermediateField = distil ? "hidden_dim" : "intermediate_size";
        int vocab = ConfigFields.integer(c, "vocab_size", 1, ModelLimits.MAX_VOCAB_SIZE);
        int hidden = ConfigFields.integer(c, hiddenField, 1, ModelLimits.MAX_HIDDEN_SIZE);
        int layers = ConfigFields.integer(c, distil ? "n_layers" : "num_hidden_layers", 1, ModelLimits.MAX_LAYERS);
        int heads = ConfigFields.integer(c, headsField, 1, ModelLimits.MAX_HEADS);
        int intermediate = ConfigFields.integer(c, intermediateField, 1, ModelLimits.MAX_INTERMEDIATE_SIZE);
        int positions = ConfigFields.integer(c, "max_position_embeddings", 512, 1, ModelLimits.MAX_POSITIONS);
        boolean deberta = type == ModelType.DEBERTA_V2;
        int typeVocab = distil ? 0 : ConfigFields.integer(c, "type_vocab_size", deberta ? 0 : 2, deberta ? 0 : 1,
                ModelLimits.MAX_TYPE_VOCAB_SIZE);
        int padId = ConfigFields.integer(c, "pad_token_id", type.positionsAfterPadding() ? 1 : 0, 0, vocab - 1);
        if (type == ModelType.ELECTRA && ConfigFields.integer(c, "embedding_size", hidden, 1, ModelLimits.MAX_HIDDEN_SIZE) != hidden) {
            // ELECTRA-small projects narrower embeddings up to the hidden size (embeddings_project): not implemented
            throw new IllegalArgumentException("config.json field 'embedding_size' (" + c.get("embedding_size")
                    + ") differs from 'hidden_size' (" + hidden + "): ELECTRA's embeddings_project is not supported");
        }
        if (hidden % heads != 0) {
            throw new IllegalArgumentException("config.json field '" + hiddenField + "' (" + hidden
                    + ") is not a multiple of '" + headsField + "' (" + heads + ")");
        }
        if (deberta && ConfigFields.integer(c, "attention_head_size", hidden / heads, 1, hidden) != hidden / heads) {
            throw new IllegalArgumentException("config.json field 'attention_head_size' differs from hidden_size / "
                    + "num_attention_heads (" + hidden / heads + "): not supported");
        }
        EncoderConfig config = new EncoderConfig(type, vocab, hidden, layers, heads, intermediate, positions, typeVocab,
                distil ? 1e-12f : ConfigFields.number(c, "layer_norm_eps", deberta ? 1e-7 : 1e-12, Float.MIN_NORMAL, 1), // fixed in DistilBERT
                ConfigFields.number(c, distil ? "dropout" : "hidden_dropout_prob", 0.1, 0, 1),
                ConfigFields.number(c, distil ? "attention_dropout" : "attention_probs_dropout_prob", 0.1, 0, 1),
                padId, deberta ? DisentangledAttention.fromHfConfig(c, hidden, positions) : null);
        if (config.maxTextPositions() < 3) {
            throw new IllegalArgumentException("config.json field 'max_position_embeddings' (" + positions
                    + ") leaves no room for text after pad_token_id " + padId);
        }
        requireTensorFits(vocab, "vocab_size", hidden, hiddenField);
        requireTensorFits(positions, "max_position_embeddings", hidden, hiddenField);
        requireTensorFits(intermediate, intermediateField, hidden, hiddenField);
        long bytes = config.parameterCount() * Float.BYTES;
        if (bytes > ModelLimits.MAX_WEIGHT_BYTES) {
            throw new IllegalArgumentException("config.json describes an encoder of " + config.parameterCount()
                    + " parameters (" + (bytes >> 20) + " MiB as float32), more than the limit of "
                    + (ModelLimits.MAX_WEIGHT_BYTES >> 20) + " MiB");
        }
        return config;
    }

    /** A [rows, hidden] weight must fit one tensor ({@link ModelLimits#MAX_TENSOR_VALUES}). */
    private static void requireTensorFits(int rows, String rowsField, int hidden, String hiddenField) {
        if ((long) rows * hidden > ModelLimits.MAX_TENSOR_VALUES) {
            throw new IllegalArgumentException("config.json fields '" + rowsField + "' × '" + hiddenField + "' ("
                    + rows + " × " + hidden + ") make a tensor of more than the " + ModelLimits.MAX_TENSOR_VALUES
                    + " values one tensor may hold");
        }
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
        if (modelType == ModelType.ELECTRA) {
            out.put("embedding_size", hiddenSize);
        }
        out.put("num_hidden_layers", numLayers);
        out.put("num_attention_heads", numHeads);
        out.put("intermediate_size", intermediateSize);
        out.put("type_vocab_size", typeVocabSize);
        out.put("layer_norm_eps", layerNormEps);
        out.put("hidden_act", "gelu");
        out.put("hidden_dropout_prob", hiddenDropout);
        out.put("attention_probs_dropout_prob", attentionDropout);
        if (disentangled != null) {
            disentangled.writeHfConfig(out, hiddenSize);
        }
    }
}
