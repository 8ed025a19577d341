package io.triage.model.explain;

import io.triage.model.text.TextInput;

import java.util.Objects;

/** A text (or pair) with the label a person gave it: what nearest examples are searched among. */
public record LabeledText(TextInput input, String label) {
    public LabeledText {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(label, "label");
    }
}
