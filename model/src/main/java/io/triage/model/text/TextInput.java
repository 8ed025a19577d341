package io.triage.model.text;

import java.util.Objects;

/**
 * One thing to classify: a text, or a sentence pair ({@code [CLS] text [SEP] textPair [SEP]}).
 *
 * @param textPair the second segment, or {@code null} for a single text
 */
public record TextInput(String text, String textPair) {
    public TextInput {
        Objects.requireNonNull(text, "text");
    }

    public static TextInput of(String text) {
        return new TextInput(text, null);
    }

    public static TextInput pair(String text, String textPair) {
        return new TextInput(text, Objects.requireNonNull(textPair, "textPair"));
    }

    public boolean isPair() {
        return textPair != null;
    }
}
