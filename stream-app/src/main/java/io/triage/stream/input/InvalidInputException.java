package io.triage.stream.input;

/** A record that cannot be classified as it is: it goes to the dead-letter topic, and processing goes on. */
public final class InvalidInputException extends Exception {
    /** What is wrong with the record; the first word of the dead letter's message. */
    public enum Reason {
        NULL_VALUE, UNDECODABLE, UNKNOWN_SCHEMA, INVALID_UTF8, MISSING_TEXT, EMPTY_TEXT, TEXT_TOO_LARGE
    }

    private final Reason reason;

    public InvalidInputException(Reason reason, String message, Throwable cause) {
        super(reason + ": " + message, cause);
        this.reason = reason;
    }

    public InvalidInputException(Reason reason, String message) {
        this(reason, message, null);
    }

    public Reason reason() {
        return reason;
    }
}
