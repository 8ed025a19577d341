package io.triage.trainer.service;

import io.triage.model.config.ModelLimits;
import io.triage.schemas.LabeledExample;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashSet;
import java.util.Optional;

/** What feedback the trainer accepts; the reason code of a rejection starts its dead letter's message. */
final class FeedbackRules {
    record Rejection(String reason, String message) {}

    private final int maxTextBytes;
    private final boolean allowNewLabels;

    FeedbackRules(int maxTextBytes, boolean allowNewLabels) {
        this.maxTextBytes = maxTextBytes;
        this.allowNewLabels = allowNewLabels;
    }

    /**
     * @param knownLabels the labels the model has; empty when nothing fixes them yet (before the first version,
     *                    with no configured labels): then any label is accepted
     */
    Optional<Rejection> check(LabeledExample e, Collection<String> knownLabels) {
        if (e.getId().isBlank()) {
            return reject("MISSING_ID", "the example has no id, so it cannot be de-duplicated");
        }
        if (e.getText().isBlank()) {
            return reject("EMPTY_TEXT", "example " + e.getId() + " has an empty text");
        }
        int bytes = e.getText().getBytes(StandardCharsets.UTF_8).length
                + (e.getTextPair() == null ? 0 : e.getTextPair().getBytes(StandardCharsets.UTF_8).length);
        if (bytes > maxTextBytes) {
            return reject("TEXT_TOO_LONG", "example " + e.getId() + " has " + bytes + " bytes of text, over max.text.bytes "
                    + maxTextBytes);
        }
        if (e.getLabels() != null) {
            return checkLabelSet(e, knownLabels);
        }
        if (e.getLabel().isBlank()) {
            return reject("EMPTY_LABEL", "example " + e.getId() + " has an empty label");
        }
        if (!allowNewLabels && !knownLabels.isEmpty() && !knownLabels.contains(e.getLabel())) {
            return reject("UNKNOWN_LABEL", "example " + e.getId() + " has label '" + e.getLabel()
                    + "', which is not one of the model's labels " + knownLabels + " (labels.allow.new=false)");
        }
        return Optional.empty();
    }

    /** A multi-label example: any number of labels (none too), each non-blank, known and given once. */
    private Optional<Rejection> checkLabelSet(LabeledExample e, Collection<String> knownLabels) {
        if (e.getLabels().size() > ModelLimits.MAX_LABELS) {
            return reject("TOO_MANY_LABELS", "example " + e.getId() + " has " + e.getLabels().size() + " labels, more than "
                    + ModelLimits.MAX_LABELS);
        }
        if (new HashSet<>(e.getLabels()).size() != e.getLabels().size()) {
            return reject("DUPLICATE_LABEL", "example " + e.getId() + " lists a label twice");
        }
        for (String label : e.getLabels()) {
            if (label.isBlank()) {
                return reject("EMPTY_LABEL", "example " + e.getId() + " has an empty label in its labels");
            }
            if (!allowNewLabels && !knownLabels.isEmpty() && !knownLabels.contains(label)) {
                return reject("UNKNOWN_LABEL", "example " + e.getId() + " has label '" + label
                        + "', which is not one of the model's labels " + knownLabels + " (labels.allow.new=false)");
            }
        }
        return Optional.empty();
    }

    private static Optional<Rejection> reject(String reason, String message) {
        return Optional.of(new Rejection(reason, message));
    }
}
