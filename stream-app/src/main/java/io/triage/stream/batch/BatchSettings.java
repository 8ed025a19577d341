package io.triage.stream.batch;

/**
 * When a micro-batch is dispatched: as soon as it holds {@code maxSize} events, or when its oldest event has waited
 * {@code maxWaitMs} (wall clock), or, with {@code idleDispatch}, as soon as the model has nothing to do; how often
 * the task looks for a batch the model has finished ({@code pickupMs}); and how long a partition that moved here
 * waits, at most, for this instance to serve the model version the partition was already served with
 * ({@code versionWaitMs}).
 */
public record BatchSettings(int maxSize, long maxWaitMs, long versionWaitMs, boolean idleDispatch, long pickupMs) {
    /** The default wait for a moved partition's model version: {@value} ms. */
    public static final long DEFAULT_VERSION_WAIT_MS = 60_000;
    /** The default interval between looks for a finished batch: {@value} ms. */
    public static final long DEFAULT_PICKUP_MS = 2;

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
        if (pickupMs < 1) {
            throw new IllegalArgumentException("batch.pickup.ms must be >= 1, got " + pickupMs);
        }
    }

    /** Only the size and wait rules: a batch waits for them even when the model is idle. */
    public BatchSettings(int maxSize, long maxWaitMs, long versionWaitMs) {
        this(maxSize, maxWaitMs, versionWaitMs, false, DEFAULT_PICKUP_MS);
    }

    /** Only the size and wait rules: a batch waits for them even when the model is idle. */
    public BatchSettings(int maxSize, long maxWaitMs) {
        this(maxSize, maxWaitMs, DEFAULT_VERSION_WAIT_MS);
    }
}
