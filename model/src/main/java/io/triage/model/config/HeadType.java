package io.triage.model.config;

/**
 * The classification heads of transformers' {@code *ForSequenceClassification} models. All are two linear layers
 * on the first token's state; they differ in the activation between them, where dropout sits, and in the names
 * of their tensors. Triage addresses both layers by canonical names ({@code classifier.dense},
 * {@code classifier.out_proj}); each head maps those to the checkpoint's names.
 */
public enum HeadType {
    /** BertForSequenceClassification: {@code bert.pooler.dense → tanh → dropout → classifier}. */
    BERT(Activation.TANH, false, "pooler.dense", true, "classifier"),
    /** DistilBertForSequenceClassification: {@code pre_classifier → ReLU → dropout → classifier}. */
    DISTILBERT(Activation.RELU, false, "pre_classifier", false, "classifier"),
    /** RobertaClassificationHead (also XLM-RoBERTa, CamemBERT): {@code dropout → dense → tanh → dropout → out_proj}. */
    ROBERTA(Activation.TANH, true, "classifier.dense", false, "classifier.out_proj"),
    /** ElectraClassificationHead: {@code dropout → dense → GELU → dropout → out_proj}. */
    ELECTRA(Activation.GELU, true, "classifier.dense", false, "classifier.out_proj"),
    /**
     * DebertaV2ForSequenceClassification: its ContextPooler {@code pooler.dense → GELU} (outside {@code deberta.}),
     * then {@code dropout → classifier}. The pooler's own dropout ({@code pooler_dropout}) is 0 in DeBERTa's configs,
     * so none is applied before it.
     */
    DEBERTA(Activation.GELU, false, "pooler.dense", false, "classifier");

    /** The activation between the two layers. */
    public enum Activation { TANH, RELU, GELU }

    /** Canonical name of the first layer (BERT's pooler, DistilBERT's pre_classifier). */
    public static final String DENSE = "classifier.dense";
    /** Canonical name of the layer that gives the logits. */
    public static final String OUT = "classifier.out_proj";

    private final Activation activation;
    private final boolean dropoutFirst;
    private final String denseName;
    private final boolean denseInEncoder;
    private final String outName;

    HeadType(Activation activation, boolean dropoutFirst, String denseName, boolean denseInEncoder, String outName) {
        this.activation = activation;
        this.dropoutFirst = dropoutFirst;
        this.denseName = denseName;
        this.denseInEncoder = denseInEncoder;
        this.outName = outName;
    }

    public Activation activation() {
        return activation;
    }

    /** Whether dropout is applied to the pooled state before the first layer as well as after it. */
    public boolean dropoutFirst() {
        return dropoutFirst;
    }

    /** The head transformers puts on a {@code model_type}'s sequence classifier. */
    public static HeadType of(ModelType type) {
        return switch (type) {
            case BERT -> BERT;
            case DISTILBERT -> DISTILBERT;
            case ROBERTA, XLM_ROBERTA, CAMEMBERT -> ROBERTA;
            case ELECTRA -> ELECTRA;
            case DEBERTA_V2 -> DEBERTA;
        };
    }

    /**
     * The name transformers gives a head tensor in a {@code *ForSequenceClassification} checkpoint of
     * {@code type}, from its canonical name, e.g. for BERT {@code classifier.dense.weight → bert.pooler.dense.weight}.
     * BERT's pooler belongs to the encoder, so it carries the encoder's prefix.
     */
    public String checkpointName(String canonical, ModelType type) {
        if (canonical.startsWith(DENSE + ".")) {
            return (denseInEncoder ? type.checkpointPrefix() : "") + denseName + canonical.substring(DENSE.length());
        }
        if (canonical.startsWith(OUT + ".")) {
            return outName + canonical.substring(OUT.length());
        }
        throw new IllegalArgumentException("not a head tensor: " + canonical);
    }

    /** The tensor names of this head for summaries: e.g. {@code bert.pooler.dense, classifier}. */
    public String tensorNames(ModelType type) {
        String dense = checkpointName(DENSE + ".weight", type);
        String out = checkpointName(OUT + ".weight", type);
        return dense.substring(0, dense.length() - ".weight".length()) + ", " + out.substring(0, out.length() - ".weight".length());
    }
}
