package io.triage.model.infer;

import java.util.Map;

/**
 * The classifier's answer for one input.
 *
 * @param scores every label's softmax probability, in the model's label order
 * @param modelVersion the version of the model that produced it
 * @param inputTokens the input's token count as the model saw it (truncated at its max length; with windows, the
 *     first window's), or -1 when unknown: what drift monitoring bins the input by
 */
public record Classification(String label, float score, Map<String, Float> scores, String modelVersion,
                             int inputTokens) {
    public Classification(String label, float score, Map<String, Float> scores, String modelVersion) {
        this(label, score, scores, modelVersion, -1);
    }
}
