package io.triage.model.infer;

import java.util.Map;

/**
 * The classifier's answer for one input.
 *
 * @param scores every label's softmax probability, in the model's label order
 * @param modelVersion the version of the model that produced it
 */
public record Classification(String label, float score, Map<String, Float> scores, String modelVersion) {}
