package io.triage.model.config;

import java.util.List;

/**
 * What a caller may impose on a model being loaded; {@code null} means "as the source says".
 *
 * @param labels new class names: a head of another size is then initialized fresh
 */
public record ModelOverrides(String name, String version, List<String> labels, Pooling pooling, Integer maxLength) {
    public static final ModelOverrides NONE = new ModelOverrides(null, null, null, null, null);

    public ModelOverrides withLabels(List<String> newLabels) {
        return new ModelOverrides(name, version, newLabels, pooling, maxLength);
    }

    public ModelOverrides withVersion(String newVersion) {
        return new ModelOverrides(name, newVersion, labels, pooling, maxLength);
    }

    public ModelOverrides withName(String newName) {
        return new ModelOverrides(newName, version, labels, pooling, maxLength);
    }

    public ModelOverrides withPooling(Pooling newPooling) {
        return new ModelOverrides(name, version, labels, newPooling, maxLength);
    }

    public ModelOverrides withMaxLength(Integer newMaxLength) {
        return new ModelOverrides(name, version, labels, pooling, newMaxLength);
    }
}
