package io.triage.model.config;

import java.util.HashSet;
import java.util.List;

/**
 * Everything needed to rebuild a classifier besides its weights and tokenizer.
 *
 * @param name model name, e.g. {@code emotion}; outputs and model updates carry it
 * @param version model version; every classification carries the version that produced it
 * @param labels class names in output-index order
 * @param maxLength tokens per input (pairs included) after truncation
 * @param head the classification head's layout, as the checkpoint defines it
 * @param headDropout dropout in the head while training (transformers' {@code classifier_dropout}, or DistilBERT's
 *     {@code seq_classif_dropout})
 */
public record ClassifierConfig(String name, String version, EncoderConfig encoder, List<String> labels,
        Pooling pooling, int maxLength, HeadType head, float headDropout) {

    /** DistilBERT's {@code seq_classif_dropout} default. */
    public static final float DISTILBERT_HEAD_DROPOUT = 0.2f;

    /** A classifier with the head transformers puts on the encoder's {@code model_type}, and its default dropout. */
    public ClassifierConfig(String name, String version, EncoderConfig encoder, List<String> labels, Pooling pooling,
            int maxLength) {
        this(name, version, encoder, labels, pooling, maxLength, HeadType.of(encoder.modelType()),
                defaultHeadDropout(encoder));
    }

    /** transformers' default: the hidden dropout, DistilBERT's 0.2. */
    public static float defaultHeadDropout(EncoderConfig encoder) {
        return encoder.modelType() == ModelType.DISTILBERT ? DISTILBERT_HEAD_DROPOUT : encoder.hiddenDropout();
    }

    public ClassifierConfig {
        if (head == null) {
            throw new IllegalArgumentException("a classifier needs a head type");
        }
        if (!(headDropout >= 0 && headDropout < 1)) {
            throw new IllegalArgumentException("head dropout " + headDropout + " outside [0, 1)");
        }
        labels = List.copyOf(labels);
        if (labels.size() < 2) {
            throw new IllegalArgumentException("a classifier needs at least two labels, got " + labels);
        }
        if (new HashSet<>(labels).size() != labels.size()) {
            throw new IllegalArgumentException("duplicate labels in " + labels);
        }
        if (maxLength < 3 || maxLength > encoder.maxTextPositions()) {
            throw new IllegalArgumentException("max length " + maxLength + " outside 3.." + encoder.maxTextPositions());
        }
    }

    public int numLabels() {
        return labels.size();
    }

    public ClassifierConfig withVersion(String newVersion) {
        return new ClassifierConfig(name, newVersion, encoder, labels, pooling, maxLength, head, headDropout);
    }

    public ClassifierConfig withLabels(List<String> newLabels) {
        return new ClassifierConfig(name, version, encoder, newLabels, pooling, maxLength, head, headDropout);
    }

    public ClassifierConfig withHead(HeadType newHead) {
        return new ClassifierConfig(name, version, encoder, labels, pooling, maxLength, newHead, headDropout);
    }

    /** Whether transformers' {@code *ForSequenceClassification} of this model_type has exactly this head. */
    public boolean headIsTransformers() {
        return head == HeadType.of(encoder.modelType());
    }
}
