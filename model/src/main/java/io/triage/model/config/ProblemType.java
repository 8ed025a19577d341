package io.triage.model.config;

import java.util.Arrays;

/**
 * transformers' {@code problem_type} of a sequence classifier: one label per input (softmax) or any number of
 * labels per input (one sigmoid per label, each label applying when its score reaches its threshold).
 */
public enum ProblemType {
    SINGLE_LABEL("single_label_classification"),
    MULTI_LABEL("multi_label_classification");

    private final String hfName;

    ProblemType(String hfName) {
        this.hfName = hfName;
    }

    /** The value of config.json's {@code problem_type}. */
    public String hfName() {
        return hfName;
    }

    /** A config.json {@code problem_type}; {@code null} (absent) is single-label, as transformers infers for ints. */
    public static ProblemType fromHf(String value) {
        if (value == null) {
            return SINGLE_LABEL;
        }
        for (ProblemType p : values()) {
            if (p.hfName.equals(value)) {
                return p;
            }
        }
        String shown = value.length() <= 80 ? value : value.substring(0, 80) + "...";
        throw new IllegalArgumentException("config.json field 'problem_type' is '" + shown + "': Triage serves "
                + Arrays.stream(values()).map(ProblemType::hfName).toList() + " (not regression)");
    }
}
