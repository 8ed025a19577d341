package io.triage.service;

/**
 * A model update a reader refused; the model serving before keeps serving. The message starts with the reason, so
 * dead letters and logs can be filtered on it, and the reason is the {@code outcome} tag of the update metrics.
 */
public final class ModelUpdateRejected extends Exception {
    public enum Reason {
        /** Not an Avro ModelUpdate the registry knows (or its claims exceed the Avro limits). */
        UNDECODABLE,
        /** No signature, and unsigned updates are not allowed. */
        UNSIGNED,
        /** Signed by a key this reader does not trust. */
        UNTRUSTED_KEY,
        /** The signature does not match the update's fields: forged or tampered. */
        BAD_SIGNATURE,
        /** Signed no later than an update this reader already accepted: a replay of an old update. */
        REPLAYED,
        /** The artifact URI lies outside the allowed locations. */
        URI_NOT_ALLOWED,
        /**
         * Its stage does not go with its key (a candidate under the serving key, or the reverse), or is one this
         * reader does not know.
         */
        WRONG_STAGE,
        FETCH_FAILED, HASH_MISMATCH, INCOMPATIBLE_LABELS, LOAD_FAILED
    }

    private final Reason reason;

    public ModelUpdateRejected(Reason reason, String message, Throwable cause) {
        super(reason + ": " + message, cause);
        this.reason = reason;
    }

    public ModelUpdateRejected(Reason reason, String message) {
        this(reason, message, null);
    }

    public Reason reason() {
        return reason;
    }
}
