package io.triage.stream;

import io.triage.stream.batch.BatchClassifier;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The classifier that serves now. The micro-batcher reads it once per batch, so a swap takes effect between two
 * batches and every result carries the version of the model that produced it.
 */
public final class ServingModel implements Supplier<BatchClassifier> {
    private final AtomicReference<BatchClassifier> current = new AtomicReference<>();

    @Override
    public BatchClassifier get() {
        BatchClassifier c = current.get();
        if (c == null) {
            throw new IllegalStateException("no model loaded yet");
        }
        return c;
    }

    public boolean isLoaded() {
        return current.get() != null;
    }

    /** Serves {@code next} from the next batch on; returns the one it replaces (null if none). */
    public BatchClassifier swap(BatchClassifier next) {
        return current.getAndSet(next);
    }
}
