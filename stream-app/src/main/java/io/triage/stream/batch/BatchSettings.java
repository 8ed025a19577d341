package io.triage.stream.batch;

/**
 * When a micro-batch is flushed: as soon as it holds {@code maxSize} events, or when its oldest event has waited
 * {@code maxWaitMs} (wall clock).
 */
public record BatchSettings(int maxSize, long maxWaitMs) {
    public BatchSettings {
        if (maxSize < 1) {
            throw new IllegalArgumentException("batch.max.size must be >= 1, got " + maxSize);
        }
        if (maxWaitMs < 0) {
            throw new IllegalArgumentException("batch.max.wait.ms must be >= 0, got " + maxWaitMs);
        }
    }
}
