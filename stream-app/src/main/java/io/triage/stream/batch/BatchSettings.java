package io.triage.stream.batch;

/**
 * When a micro-batch is dispatched: as soon as it holds {@code maxSize} events, or when its oldest event has waited
 * {@code maxWaitMs} (wall clock); and how long a partition that moved here waits, at most, for this instance to
 * serve the model version the partition was already served with ({@code versionWaitMs}).
 */
public record BatchSettings(int maxSize, long maxWaitMs, long versionWaitMs) {
    /** The default wait for a moved partition's model version: {@value} ms. */
    public static final long DEFAULT_VERSION_WAIT_MS = 60_000;

    public BatchSettings {
        if (maxSize < 1) {
            throw new IllegalArgumentException("batch.max.size must be >= 1, got " + maxSize);
        }
        if (maxWaitMs < 0) {
            throw new IllegalArgumentException("batch.max.wait.ms must be >= 0, got " + maxWaitMs);
        }
        if (versionWaitMs < 0) {
            throw new IllegalArgumentException("partition.version.wait.ms must be >= 0, got " + versionWaitMs);
        }
    }

    public BatchSettings(int maxSize, long maxWaitMs) {
        this(maxSize, maxWaitMs, DEFAULT_VERSION_WAIT_MS);
    }
}
