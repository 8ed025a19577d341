package io.triage.model.config;

import java.util.List;

/**
 * What a caller may impose on a model being loaded; {@code null} means "as the source says".
 *
 * @param labels new class names: a head of another size is then initialized fresh
 * @param problemType single- or multi-label, e.g. for a plain encoder about to be trained on multi-label data
 */
public record ModelOverrides(String name, String version, List<String> labels, Pooling pooling, Integer maxLength,
        ProblemType problemType) {
    public static final ModelOverrides NONE = new ModelOverrides(null, null, null, null, null, null);

    /** The problem type as the source says. */
    public ModelOverrides(String name, String version, List<String> labels, Pooling pooling, Integer maxLength) {
        this(name, version, labels, pooling, maxLength, null);
    }

    public ModelOverrides withLabels(List<String> newLabels) {
        return new ModelOverrides(name, version, newLabels, pooling, maxLength, problemType);
    }

    public ModelOverrides withVersion(String newVersion) {
        return new ModelOverrides(name, newVersion, labels, pooling, maxLength, problemType);
    }

    public ModelOverrides withName(String newName) {
        return new ModelOverrides(newName, version, labels, pooling, maxLength, problemType);
    }

    public ModelOverrides withPooling(Pooling newPooling) {
        return new ModelOverrides(name, version, labels, newPooling, maxLength, problemType);
    }

    public ModelOverrides withMaxLength(Integer newMaxLength) {
        return new ModelOverrides(name, version, labels, pooling, newMaxLength, problemType);
    }

    public ModelOverrides withProblemType(ProblemType newProblemType) {
        return new ModelOverrides(name, version, labels, pooling, maxLength, newProblemType);
    }
}
