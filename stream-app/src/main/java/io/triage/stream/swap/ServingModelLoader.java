package io.triage.stream.swap;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Opens the models that are to serve on their engine, and warms them, on one thread at normal CPU priority.
 *
 * <p>Why: the follower runs at a lower priority ({@link BackgroundPriority}), and every native thread a model starts
 * while it loads or runs its first batch (ONNX Runtime's intra-op pool, the sub-batch helpers) inherits the nice
 * value of the thread that starts it, for good: an unprivileged process cannot lower a nice value again. Loaded on
 * the follower, a swapped-in model ran part of every batch at nice 10, so any other busy thread stalled the whole
 * batch. Only opening (for ONNX Runtime: exporting the graph and creating its sessions, about half of a load) and
 * the warm-up run here, taking some CPU from the served batches for that time; fetching, verifying and reading the
 * artifact stay on the follower, and so does all of a shadow trial's candidate, whose threads should yield to
 * serving.
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

    /** The loader's thread, for the step that opens a model on its engine. */
    static Executor executor() {
        return THREAD;
    }

    /**
     * Runs {@code task} on the loader's thread and waits for it; what it throws is rethrown as it was. An interrupt
     * does not cut the wait short, so that the caller never leaves while the task is inside the engine's native
     * code (nor leaks what it opens); it is kept in the thread's status.
     */
    static void call(Runnable task) {
        Future<?> done = THREAD.submit(task);
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    done.get();
                    return;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Waits until what the loader was given before this call is done, at most {@code timeout}: a process that stops
     * must not exit while a model is being opened, inside the engine's native code.
     *
     * @return whether it is idle now
     */
    static boolean awaitIdle(Duration timeout) {
        try {
            THREAD.submit(() -> { }).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }
}
