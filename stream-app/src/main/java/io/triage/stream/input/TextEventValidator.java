package io.triage.stream.input;

import io.triage.schemas.TextEvent;

import java.nio.charset.StandardCharsets;

/** Rules every event must pass before it may take a seat in a batch. */
public final class TextEventValidator {
    private final int maxTextBytes;

    /** @param maxTextBytes the most UTF-8 bytes of text (both segments together) an event may carry */
    public TextEventValidator(int maxTextBytes) {
        this.maxTextBytes = maxTextBytes;
    }

    public void validate(TextEvent event) throws InvalidInputException {
        if (event.getText() == null) {
            throw new InvalidInputException(InvalidInputException.Reason.MISSING_TEXT, "event " + event.getId() + " has no text");
        }
        if (event.getText().isBlank()) {
            throw new InvalidInputException(InvalidInputException.Reason.EMPTY_TEXT, "event " + event.getId() + " has an empty text");
        }
        if (event.getTextPair() != null && event.getTextPair().isBlank()) {
            throw new InvalidInputException(InvalidInputException.Reason.EMPTY_TEXT,
                    "event " + event.getId() + " has an empty text_pair (leave it null for a single text)");
        }
        long bytes = utf8Length(event.getText()) + (event.getTextPair() == null ? 0 : utf8Length(event.getTextPair()));
        if (bytes > maxTextBytes) {
            throw new InvalidInputException(InvalidInputException.Reason.TEXT_TOO_LARGE,
                    "event " + event.getId() + " has " + bytes + " bytes of text, more than max.text.bytes=" + maxTextBytes);
        }
    }

    private static long utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
