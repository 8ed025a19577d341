package io.triage.console;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/** The explanation worker on real threads: one task at a time, a bounded queue, a timeout, and stopping. */
class ExplainWorkerTest {

    @Test
    void runsOneTaskAtATimeAndRefusesBeyondItsQueue() throws Exception {
        try (ExplainWorker worker = new ExplainWorker(1, Duration.ofSeconds(20))) {
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch started = new CountDownLatch(1);
            AtomicInteger running = new AtomicInteger();
            AtomicInteger mostAtOnce = new AtomicInteger();
            CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> call(worker, () -> {
                started.countDown();
                track(running, mostAtOnce);
                release.await();
                running.decrementAndGet();
                return "first";
            }));
            assertTrue(started.await(10, TimeUnit.SECONDS));
            CompletableFuture<String> second = CompletableFuture.supplyAsync(() -> call(worker, () -> {
                track(running, mostAtOnce);
                running.decrementAndGet();
                return "second";
            }));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (worker.waiting() < 1 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(1, worker.waiting(), "the second waits behind the first");
            ExplainWorker.Busy busy = assertThrows(ExplainWorker.Busy.class, () -> worker.run(() -> "third"));
            assertTrue(busy.getMessage().contains("busy"), busy.getMessage());

            release.countDown();
            assertEquals("first", first.get(10, TimeUnit.SECONDS));
            assertEquals("second", second.get(10, TimeUnit.SECONDS));
            assertEquals(1, mostAtOnce.get(), "never two at once");
            assertEquals("fourth", worker.run(() -> "fourth"), "free again");
        }
    }

    @Test
    void aTaskNotDoneInTimeIsGivenUpAndOneWaitingBehindItNeverRuns() throws Exception {
        try (ExplainWorker worker = new ExplainWorker(2, Duration.ofMillis(300))) {
            CountDownLatch release = new CountDownLatch(1);
            AtomicInteger ran = new AtomicInteger();
            CompletableFuture<Throwable> slow = CompletableFuture.supplyAsync(() -> failure(worker, () -> {
                release.await();
                return "late";
            }));
            Thread.sleep(50);
            ExplainWorker.TimedOut timedOut = assertThrows(ExplainWorker.TimedOut.class, () -> worker.run(() -> {
                ran.incrementAndGet();
                return "never";
            }));
            assertTrue(timedOut.getMessage().startsWith("no explanation within"), timedOut.getMessage());
            assertEquals(0, worker.waiting(), "the task given up left the queue");
            assertInstanceOf(ExplainWorker.TimedOut.class, slow.get(10, TimeUnit.SECONDS),
                    "the running one times out too; its thread is not interrupted");
            release.countDown();
            assertEquals("next", worker.run(() -> "next"));
            assertEquals(0, ran.get(), "the task given up while it waited never ran");
        }
    }

    @Test
    void aTasksOwnFailureComesBackAsTheCause() throws Exception {
        try (ExplainWorker worker = new ExplainWorker(0, Duration.ofSeconds(10))) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> worker.run(() -> {
                throw new java.io.IOException("broken artifact");
            }));
            assertEquals("broken artifact", e.getCause().getMessage());
            assertEquals("ok", worker.run(() -> "ok"), "the worker survives a failed task");
        }
    }

    @Test
    void stoppingDropsTheWaitingTasksAndRefusesNewOnes() throws Exception {
        ExplainWorker worker = new ExplainWorker(3, Duration.ofSeconds(20));
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger ran = new AtomicInteger();
        List<CompletableFuture<Throwable>> calls = new ArrayList<>();
        calls.add(CompletableFuture.supplyAsync(() -> failure(worker, () -> {
            started.countDown();
            release.await();
            return "done";
        })));
        assertTrue(started.await(10, TimeUnit.SECONDS));
        for (int i = 0; i < 2; i++) {
            calls.add(CompletableFuture.supplyAsync(() -> failure(worker, () -> ran.incrementAndGet())));
        }
        while (worker.waiting() < 2) {
            Thread.sleep(10);
        }
        CompletableFuture<Boolean> stopped = CompletableFuture.supplyAsync(() -> {
            try {
                return worker.stop(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(100);
        assertFalse(stopped.isDone(), "stopping waits for the running task");
        release.countDown();
        assertTrue(stopped.get(10, TimeUnit.SECONDS));
        assertNull(calls.get(0).get(10, TimeUnit.SECONDS), "the running one finished");
        for (CompletableFuture<Throwable> dropped : calls.subList(1, 3)) {
            Throwable why = dropped.get(10, TimeUnit.SECONDS);
            assertInstanceOf(ExplainWorker.Busy.class, why);
            assertEquals("the console is stopping", why.getMessage());
        }
        assertEquals(0, ran.get());
        ExplainWorker.Busy busy = assertThrows(ExplainWorker.Busy.class, () -> worker.run(() -> "late"));
        assertEquals("the console is stopping", busy.getMessage());
    }

    private static void track(AtomicInteger running, AtomicInteger mostAtOnce) {
        mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
    }

    private static <T> T call(ExplainWorker worker, java.util.concurrent.Callable<T> task) {
        try {
            return worker.run(task);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** What the call failed with; null when it succeeded. */
    private static Throwable failure(ExplainWorker worker, java.util.concurrent.Callable<?> task) {
        try {
            worker.run(task);
            return null;
        } catch (Exception e) {
            return e;
        }
    }
}
