package io.triage.model.config;

import java.util.Arrays;
import java.util.Locale;

/**
 * The BERT-family encoders Triage can run. They share one post-LayerNorm transformer; they differ in
 * tensor names, in how position ids are derived and in whether token types exist.
 */
public enum ModelType {
    /** BERT and MiniLM: positions 0..S-1, token types (segment A/B). */
    BERT("bert", "bert.", "BertForSequenceClassification"),
    /** RoBERTa: positions start after the padding index, a single token type. */
    ROBERTA("roberta", "roberta.", "RobertaForSequenceClassification"),
    /** XLM-RoBERTa: RoBERTa's layout and tensor names under its own model_type. */
    XLM_ROBERTA("xlm-roberta", "roberta.", "XLMRobertaForSequenceClassification"),
    /** CamemBERT: RoBERTa's layout and tensor names under its own model_type. */
    CAMEMBERT("camembert", "roberta.", "CamembertForSequenceClassification"),
    /** DistilBERT: no token types, its own tensor names ({@code transformer.layer.N.attention.q_lin}). */
    DISTILBERT("distilbert", "distilbert.", "DistilBertForSequenceClassification"),
    /** ELECTRA discriminator: BERT's layout (embeddings as wide as the hidden state; no embeddings_project). */
    ELECTRA("electra", "electra.", "ElectraForSequenceClassification"),
    /**
     * DeBERTa-v2 and v3 (one model_type): disentangled relative attention ({@link DisentangledAttention}), layer
     * tensors named {@code attention.self.query_proj} etc., usually no absolute positions and no token types.
     */
    DEBERTA_V2("deberta-v2", "deberta.", "DebertaV2ForSequenceClassification");

    private final String hfName;
    private final String checkpointPrefix;
    private final String classifierArchitecture;

    ModelType(String hfName, String checkpointPrefix, String classifierArchitecture) {
        this.hfName = hfName;
        this.checkpointPrefix = checkpointPrefix;
        this.classifierArchitecture = classifierArchitecture;
    }

    /** The transformers class of this type's sequence classifier, as config.json's {@code architectures} names it. */
    public String classifierArchitecture() {
        return classifierArchitecture;
    }

    /** RoBERTa and its kin count positions from {@code pad + 1}, over non-padding tokens only. */
    public boolean positionsAfterPadding() {
        return checkpointPrefix.equals("roberta.");
    }

    /** Whether ONNX Runtime can serve it: Triage builds no ONNX graph of DeBERTa's disentangled attention. */
    public boolean onnxGraphAvailable() {
        return this != DEBERTA_V2;
    }

    /** The {@code model_type} value in a Hugging Face config.json. */
    public String hfName() {
        return hfName;
    }

    /** Prefix of the encoder's tensors in {@code *ForSequenceClassification} checkpoints. */
    public String checkpointPrefix() {
        return checkpointPrefix;
    }

    public static ModelType fromHfName(String name) {
        for (ModelType t : values()) {
            if (t.hfName.equals(name.toLowerCase(Locale.ROOT))) {
                return t;
            }
        }
        throw new IllegalArgumentException("Unsupported model_type '" + name + "'; supported: "
                + Arrays.stream(values()).map(ModelType::hfName).toList());
    }

    /**
     * The checkpoint name of a tensor given its canonical (BERT) name; names outside the encoder layers
     * (embeddings, the classification head) are the same for every type, e.g. for DistilBERT
     * {@code encoder.layer.3.attention.self.query.weight → transformer.layer.3.attention.q_lin.weight}.
     */
    public String checkpointName(String canonical) {
        if (this != DISTILBERT || !canonical.startsWith("encoder.layer.")) {
            return canonical;
        }
        String rest = canonical.substring("encoder.layer.".length());
        int dot = rest.indexOf('.');
        String layer = "transformer.layer." + rest.substring(0, dot) + ".";
        String tensor = rest.substring(dot + 1);
        int last = tensor.lastIndexOf('.');
        String module = tensor.substring(0, last);
        String kind = tensor.substring(last + 1);
        String mapped = switch (module) {
            case "attention.self.query" -> "attention.q_lin";
            case "attention.self.key" -> "attention.k_lin";
            case "attention.self.value" -> "attention.v_lin";
            case "attention.output.dense" -> "attention.out_lin";
            case "attention.output.LayerNorm" -> "sa_layer_norm";
            case "intermediate.dense" -> "ffn.lin1";
            case "output.dense" -> "ffn.lin2";
            case "output.LayerNorm" -> "output_layer_norm";
            default -> throw new IllegalArgumentException("No DistilBERT name for " + canonical);
        };
        return layer + mapped + "." + kind;
    }
}
