package io.triage.service;

/** A record that cannot be decoded, and why; its message starts with the reason. */
public final class UndecodableRecordException extends Exception {
    public enum Reason { NULL_VALUE, UNKNOWN_SCHEMA, UNDECODABLE }

    private final Reason reason;

    public UndecodableRecordException(Reason reason, String message) {
        this(reason, message, null);
    }

    public UndecodableRecordException(Reason reason, String message, Throwable cause) {
        super(reason + ": " + message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
