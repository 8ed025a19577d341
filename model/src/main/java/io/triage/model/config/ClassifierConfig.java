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
 * @param problemType one label per input (softmax) or any number (one sigmoid per label)
 * @param thresholds per label, in label order: a multi-label classifier's label applies when its sigmoid score
 *     reaches its threshold (unused for single-label)
 */
public record ClassifierConfig(String name, String version, EncoderConfig encoder, List<String> labels,
        Pooling pooling, int maxLength, HeadType head, float headDropout, ProblemType problemType,
        List<Float> thresholds) {

    /** DistilBERT's {@code seq_classif_dropout} default. */
    public static final float DISTILBERT_HEAD_DROPOUT = 0.2f;

    /** A classifier with the head transformers puts on the encoder's {@code model_type}, and its default dropout. */
    public ClassifierConfig(String name, String version, EncoderConfig encoder, List<String> labels, Pooling pooling,
            int maxLength) {
        this(name, version, encoder, labels, pooling, maxLength, HeadType.of(encoder.modelType()),
                defaultHeadDropout(encoder));
    }

    /** A single-label classifier. */
    public ClassifierConfig(String name, String version, EncoderConfig encoder, List<String> labels, Pooling pooling,
            int maxLength, HeadType head, float headDropout) {
        this(name, version, encoder, labels, pooling, maxLength, head, headDropout, ProblemType.SINGLE_LABEL,
                LabelThresholds.defaults(labels.size()));
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
        if (problemType == null) {
            throw new IllegalArgumentException("a classifier needs a problem type");
        }
        thresholds = List.copyOf(thresholds);
        if (thresholds.size() != labels.size()) {
            throw new IllegalArgumentException(thresholds.size() + " thresholds for " + labels.size() + " labels");
        }
        for (int i = 0; i < labels.size(); i++) {
            LabelThresholds.check(thresholds.get(i), labels.get(i));
        }
        if (maxLength < 3 || maxLength > encoder.maxTextPositions()) {
            throw new IllegalArgumentException("max length " + maxLength + " outside 3.." + encoder.maxTextPositions());
        }
    }

    public int numLabels() {
        return labels.size();
    }

    public boolean multiLabel() {
        return problemType == ProblemType.MULTI_LABEL;
    }

    public ClassifierConfig withVersion(String newVersion) {
        return new ClassifierConfig(name, newVersion, encoder, labels, pooling, maxLength, head, headDropout,
                problemType, thresholds);
    }

    /** New labels start with default thresholds. */
    public ClassifierConfig withLabels(List<String> newLabels) {
        return new ClassifierConfig(name, version, encoder, newLabels, pooling, maxLength, head, headDropout,
                problemType, LabelThresholds.defaults(newLabels.size()));
    }

    public ClassifierConfig withHead(HeadType newHead) {
        return new ClassifierConfig(name, version, encoder, labels, pooling, maxLength, newHead, headDropout,
                problemType, thresholds);
    }

    public ClassifierConfig withProblemType(ProblemType newProblemType) {
        return new ClassifierConfig(name, version, encoder, labels, pooling, maxLength, head, headDropout,
                newProblemType, thresholds);
    }

    /** @param newThresholds one per label, in label order */
    public ClassifierConfig withThresholds(List<Float> newThresholds) {
        return new ClassifierConfig(name, version, encoder, labels, pooling, maxLength, head, headDropout,
                problemType, newThresholds);
    }

    /** Whether transformers' {@code *ForSequenceClassification} of this model_type has exactly this head. */
    public boolean headIsTransformers() {
        return head == HeadType.of(encoder.modelType());
    }
}
