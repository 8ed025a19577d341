package io.triage.stream.swap;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Loads and warms the models that are to serve on one thread at normal CPU priority.
 *
 * <p>Why: the follower runs at a lower priority ({@link BackgroundPriority}), and every native thread a model starts
 * while it loads or runs its first batch (ONNX Runtime's intra-op pool, the sub-batch helpers) inherits the nice
 * value of the thread that starts it, for good: an unprivileged process cannot lower a nice value again. Loaded on
 * the follower, a swapped-in model ran part of every batch at nice 10, so any other busy thread stalled the whole
 * batch. Loading here costs the served batches some CPU for the seconds a load takes; fetching and verifying stay
 * on the follower, and so does loading a shadow trial's candidate, whose threads should yield to serving.
 *
 * <p>The thread is started when this class is first used, by the app's start-up (normal priority), and kept. The
 * kernel shows it, and the native threads it starts, as "triage-inferenc" (names stop at 15 characters), like the
 * inference worker whose work they share.
 */
final class ServingModelLoader {
    private static final ThreadPoolExecutor THREAD = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, "triage-inference-loader");
                t.setDaemon(true);
                return t;
            });

    static {
        THREAD.prestartAllCoreThreads(); // now, on the initializing thread's priority, not on a later caller's
    }

    private ServingModelLoader() {}

    /** Starts the thread now, from the calling thread (which should run at normal priority). */
    static void start() {
        // the class initializer did it
    }

    /**
     * Runs {@code load} on the loader's thread and waits for it. What it throws is rethrown as it was; a checked
     * exception other than {@code E} arrives wrapped in an unchecked one.
     */
    static <T, E extends Exception> T call(Loading<T, E> load) throws E, InterruptedException {
        try {
            return THREAD.submit((Callable<T>) load::run).get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            @SuppressWarnings("unchecked")
            E checked = (E) cause; // load::run throws only E besides unchecked ones
            throw checked;
        }
    }

    /** A load that may throw {@code E}. */
    @FunctionalInterface
    interface Loading<T, E extends Exception> {
        T run() throws E;
    }
}
