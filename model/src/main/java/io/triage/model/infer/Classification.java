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
 */
public record Classification(String label, float score, Map<String, Float> scores, String modelVersion,
        List<String> labels) {

    public Classification {
        labels = List.copyOf(labels);
    }

    /** A single-label answer: {@code label} is the one that applies. */
    public Classification(String label, float score, Map<String, Float> scores, String modelVersion) {
        this(label, score, scores, modelVersion, List.of(label));
    }
}
