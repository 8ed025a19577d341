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
 */
public record ClassifierConfig(
        String name, String version, EncoderConfig encoder, List<String> labels, Pooling pooling, int maxLength) {

    public ClassifierConfig {
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
        return new ClassifierConfig(name, newVersion, encoder, labels, pooling, maxLength);
    }

    public ClassifierConfig withLabels(List<String> newLabels) {
        return new ClassifierConfig(name, version, encoder, newLabels, pooling, maxLength);
    }
}
