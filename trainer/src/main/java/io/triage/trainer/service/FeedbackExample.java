package io.triage.trainer.service;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.triage.model.text.TextInput;
import io.triage.schemas.LabeledExample;

import java.util.List;

/**
 * A labeled example as the trainer keeps it on disk.
 *
 * @param textPair the second segment of a sentence pair, or null
 * @param createdAt when the label was given (epoch millis), or null when unknown
 * @param labels a multi-label example's labels (possibly none), in the order given; null for a single-label
 *     example, whose label is {@code label} (lines stored before multi-label existed have none)
 */
public record FeedbackExample(String id, String text, String textPair, String label, String source, Long createdAt,
        // absent from a single-label example's line, so the store's file stays as it was for single-label feedback
        @JsonInclude(JsonInclude.Include.NON_NULL) List<String> labels) {

    public FeedbackExample {
        labels = labels == null ? null : List.copyOf(labels);
    }

    /** A single-label example. */
    public FeedbackExample(String id, String text, String textPair, String label, String source, Long createdAt) {
        this(id, text, textPair, label, source, createdAt, null);
    }

    static FeedbackExample of(LabeledExample e) {
        return new FeedbackExample(e.getId(), e.getText(), e.getTextPair(), e.getLabel(), e.getSource(),
                e.getCreatedAt() == null ? null : e.getCreatedAt().toEpochMilli(), e.getLabels());
    }

    /** Whether it carries a set of labels rather than one. */
    boolean multiLabel() {
        return labels != null;
    }

    /** The labels that apply: its label set, or its one label. */
    List<String> applying() {
        return labels != null ? labels : List.of(label);
    }

    TextInput input() {
        return textPair == null ? TextInput.of(text) : TextInput.pair(text, textPair);
    }

    /** Same content apart from when and where it came from: a re-sent example, not a correction. */
    boolean sameLabeledText(FeedbackExample other) {
        return text.equals(other.text) && java.util.Objects.equals(textPair, other.textPair) && label.equals(other.label)
                && java.util.Objects.equals(labels, other.labels);
    }
}
