package io.triage.console;

import io.triage.schemas.ModelUpdate;
import io.triage.service.ModelUpdateLog;

import java.util.List;
import java.util.Optional;

/**
 * The versions on the model-update topic that verify with the trusted keys, as every stream app sees them: the newest
 * is what the fleet serves once it has swapped. Read up to the topic's end on every call (the consumer is not
 * thread-safe, hence the lock).
 */
final class ModelVersions implements AutoCloseable {
    /** Null when no key is trusted: then no version is shown, as no stream app would load one. */
    private final ModelUpdateLog log;

    ModelVersions(ModelUpdateLog log) {
        this.log = log;
    }

    static ModelVersions none() {
        return new ModelVersions(null);
    }

    boolean isFollowing() {
        return log != null;
    }

    synchronized List<ModelUpdate> newestFirst() {
        return log == null ? List.of() : log.acceptedNewestFirst();
    }

    synchronized Optional<ModelUpdate> find(String version) {
        return newestFirst().stream().filter(u -> u.getVersion().equals(version)).findFirst();
    }

    @Override
    public synchronized void close() {
        if (log != null) {
            log.close();
        }
    }
}
