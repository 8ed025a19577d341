package io.triage.model.io;

import java.io.IOException;

/** An artifact the fetcher refuses on purpose (not a broken network or disk): outside the allowed locations, or not the announced bytes. */
public final class ArtifactRejectedException extends IOException {
    public enum Why { NOT_ALLOWED, HASH_MISMATCH }

    private final Why why;

    public ArtifactRejectedException(Why why, String message) {
        super(message);
        this.why = why;
    }

    public Why why() {
        return why;
    }
}
