package io.triage.model.infer;

import java.util.List;
import java.util.Map;

/**
 * The classifier's answer for one input.
 *
 * @param label the label with the highest score
 * @param scores every label's score in the model's label order: its softmax probability (single-label) or its
 *     sigmoid (multi-label)
 * @param modelVersion the version of the model that produced it
 * @param labels the labels that apply, in the model's label order: exactly {@code label} for a single-label model;
 *     for a multi-label one every label whose score reaches its threshold (possibly none)
 * @param inputTokens the input's token count as the model saw it (truncated at its max length; with windows, the
 *     first window's), or -1 when unknown: what drift monitoring bins the input by
 */
public record Classification(String label, float score, Map<String, Float> scores, String modelVersion,
                             List<String> labels, int inputTokens) {

    public Classification {
        labels = List.copyOf(labels);
    }

    /** A single-label answer of an input of unknown length: {@code label} is the one that applies. */
    public Classification(String label, float score, Map<String, Float> scores, String modelVersion) {
        this(label, score, scores, modelVersion, List.of(label), -1);
    }

    /** A single-label answer of an input of {@code inputTokens} tokens. */
    public Classification(String label, float score, Map<String, Float> scores, String modelVersion,
                          int inputTokens) {
        this(label, score, scores, modelVersion, List.of(label), inputTokens);
    }
}
