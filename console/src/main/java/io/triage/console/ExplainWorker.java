package io.triage.console;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One thread that computes explanations one at a time, behind a queue of at most {@code queueLimit} waiting ones: a
 * request beyond them is refused at once ({@link Busy}) instead of holding one of the web server's threads, and one
 * that is not done within the timeout is given up ({@link TimedOut}) so that no page waits forever. A task given up
 * while it waits leaves the queue and never runs; one the worker has taken runs to its end (a native computation is
 * not interrupted: an interrupt would also close the file channels a model loads from), and its result is dropped.
 */
final class ExplainWorker implements AutoCloseable {
    /** The queue is full: try again later. */
    static final class Busy extends Exception {
        Busy(String message) {
            super(message);
        }
    }

    /** Not done within the timeout. */
    static final class TimedOut extends Exception {
        TimedOut(String message) {
            super(message);
        }
    }

    private final ThreadPoolExecutor thread;
    /** One per task admitted, running or waiting: {@code queueLimit + 1}. */
    private final Semaphore admitted;
    private final Duration timeout;

    ExplainWorker(int queueLimit, Duration timeout) {
        if (queueLimit < 0) {
            throw new IllegalArgumentException("the queue limit must be 0 or more, not " + queueLimit);
        }
        this.timeout = timeout;
        this.admitted = new Semaphore(queueLimit + 1);
        this.thread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "triage-console-explain");
            t.setDaemon(true);
            return t;
        });
    }

    /** Runs {@code task} on the worker and waits for it; its own exception comes back as the cause. */
    <T> T run(Callable<T> task) throws Busy, TimedOut, ExecutionException, InterruptedException {
        if (!admitted.tryAcquire()) {
            throw new Busy("explanations are busy: " + (thread.getQueue().size() + 1) + " are being computed or "
                    + "waiting; try again in a moment");
        }
        Future<T> future;
        try {
            future = thread.submit(() -> {
                try {
                    return task.call();
                } finally {
                    admitted.release();
                }
            });
        } catch (RejectedExecutionException e) {
            admitted.release();
            throw new Busy("the console is stopping");
        }
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            giveUp(future);
            throw new TimedOut("no explanation within " + timeout.toSeconds() + " s; the worker may be busy "
                    + "with long texts: try again later");
        } catch (CancellationException e) {
            throw new Busy("the console is stopping");
        } catch (InterruptedException e) {
            giveUp(future);
            throw e;
        }
    }

    /** Tasks waiting in the queue now, not counting the one running. */
    int waiting() {
        return thread.getQueue().size();
    }

    /** A task still waiting leaves the queue and never runs; one the worker has taken runs to its end. */
    private void giveUp(Future<?> future) {
        if (thread.remove((Runnable) future)) {
            admitted.release();
        }
    }

    /**
     * Stops taking tasks, drops the waiting ones and waits (at most {@code grace}) for the running one to finish;
     * true when the worker thread has ended, so what it used may be freed.
     */
    boolean stop(Duration grace) throws InterruptedException {
        thread.shutdown();
        List<Runnable> dropped = new ArrayList<>();
        thread.getQueue().drainTo(dropped);
        dropped.forEach(r -> {
            ((Future<?>) r).cancel(false);
            admitted.release();
        });
        return thread.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        stop(Duration.ofSeconds(30));
    }
}
