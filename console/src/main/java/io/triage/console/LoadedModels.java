package io.triage.console;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The few loaded models explanations use, by version: at most {@code capacity}, the least recently used one closed
 * (its native memory freed) BEFORE another is loaded, so that no more than {@code capacity} are ever in memory. A
 * load that fails leaves nothing behind. Used from the explanation worker's one thread; synchronized all the same,
 * so that {@link #close} from another thread is safe.
 *
 * @param <M> what a load gives: a model and whatever is kept with it
 */
final class LoadedModels<M extends AutoCloseable> implements AutoCloseable {
    /** Loads one version; a failure is thrown as is. */
    interface Loader<M> {
        M load(String version) throws Exception;
    }

    private static final Logger LOG = LoggerFactory.getLogger(LoadedModels.class);
    /** More than two large models would take gigabytes of a console's memory for little gain. */
    static final int MAX_CAPACITY = 2;

    private final int capacity;
    private final Loader<M> loader;
    private final LinkedHashMap<String, M> loaded = new LinkedHashMap<>(4, 0.75f, true); // access order
    private boolean closed;

    LoadedModels(int capacity, Loader<M> loader) {
        if (capacity < 1 || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("1 to " + MAX_CAPACITY + " loaded models, not " + capacity);
        }
        this.capacity = capacity;
        this.loader = loader;
    }

    /** The version's model, loaded now unless it is among the kept ones. */
    synchronized M get(String version) throws Exception {
        if (closed) {
            throw new IllegalStateException("closed");
        }
        M model = loaded.get(version);
        if (model != null) {
            return model;
        }
        while (loaded.size() >= capacity) {
            Iterator<Map.Entry<String, M>> eldest = loaded.entrySet().iterator();
            Map.Entry<String, M> e = eldest.next();
            eldest.remove();
            closeQuietly(e.getKey(), e.getValue());
        }
        model = loader.load(version);
        loaded.put(version, model);
        return model;
    }

    /** The versions loaded now, least recently used first. */
    synchronized java.util.List<String> versions() {
        return java.util.List.copyOf(loaded.keySet());
    }

    private static void closeQuietly(String version, AutoCloseable model) {
        try {
            model.close();
        } catch (Exception e) {
            LOG.warn("closing the model of version {} failed", version, e);
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        loaded.forEach(LoadedModels::closeQuietly);
        loaded.clear();
    }
}
