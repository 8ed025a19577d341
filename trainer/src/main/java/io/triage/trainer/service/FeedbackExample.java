package io.triage.trainer.service;

import io.triage.model.text.TextInput;
import io.triage.schemas.LabeledExample;

/**
 * A labeled example as the trainer keeps it on disk.
 *
 * @param textPair the second segment of a sentence pair, or null
 * @param createdAt when the label was given (epoch millis), or null when unknown
 */
public record FeedbackExample(String id, String text, String textPair, String label, String source, Long createdAt) {

    static FeedbackExample of(LabeledExample e) {
        return new FeedbackExample(e.getId(), e.getText(), e.getTextPair(), e.getLabel(), e.getSource(),
                e.getCreatedAt() == null ? null : e.getCreatedAt().toEpochMilli());
    }

    TextInput input() {
        return textPair == null ? TextInput.of(text) : TextInput.pair(text, textPair);
    }

    /** Same content apart from when and where it came from: a re-sent example, not a correction. */
    boolean sameLabeledText(FeedbackExample other) {
        return text.equals(other.text) && java.util.Objects.equals(textPair, other.textPair) && label.equals(other.label);
    }
}
