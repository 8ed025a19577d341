package io.triage.service;

import io.triage.schemas.ModelUpdate;

/** Decides whether a decoded update may be accepted at all (e.g. its signature: {@code trust.UpdateVerifier}). */
@FunctionalInterface
public interface ModelUpdateCheck {
    void check(ModelUpdate update) throws ModelUpdateRejected;
}
