package io.triage.stream.swap;

/** A model update the app refused; the model serving before keeps serving. The message starts with the reason. */
public final class ModelUpdateRejected extends Exception {
    public enum Reason { FETCH_FAILED, HASH_MISMATCH, INCOMPATIBLE_LABELS, LOAD_FAILED, UNDECODABLE }

    private final Reason reason;

    public ModelUpdateRejected(Reason reason, String message, Throwable cause) {
        super(reason + ": " + message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
