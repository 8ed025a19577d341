package io.triage.trainer.rollback;

import io.triage.schemas.ModelUpdate;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static io.triage.trainer.rollback.AutoRollbackTest.update;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The hand-over between the asking (HTTP) thread and the run thread, and which requests publish nothing; on the
 * real trainer, broker and stream app: ManualRollbackIntegrationTest.
 */
class ManualRollbackTest {
    private static final List<ModelUpdate> HISTORY = List.of(update("v3", "v2"), update("v2", "v1"),
            update("v1", null));

    private final List<String> republished = new CopyOnWriteArrayList<>();

    private ManualRollback rollback(Duration wait, AutoRollback.Republisher republisher) {
        return new ManualRollback(republisher, wait, () -> {});
    }

    private AutoRollback.Republisher recording() {
        return previous -> {
            republished.add(previous.getVersion());
            return previous;
        };
    }

    /** Asks on another thread, as the HTTP server does. */
    private static CompletableFuture<ManualRollback.Result> ask(ManualRollback rollback, String version) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return rollback.request(version);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** Asks on another thread, as the HTTP server does, and answers it on this one, as the run thread does. */
    private ManualRollback.Result askAndHandle(ManualRollback rollback, String version) throws Exception {
        CompletableFuture<ManualRollback.Result> asked = ask(rollback, version);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!asked.isDone() && System.nanoTime() < deadline) {
            rollback.handlePending(() -> HISTORY);
            Thread.sleep(5);
        }
        return asked.get(5, TimeUnit.SECONDS);
    }

    @Test
    void anAnnouncedVersionIsPublishedAgainOnTheRunThread() throws Exception {
        ManualRollback.Result result = askAndHandle(rollback(Duration.ofSeconds(5), recording()), "v1");
        assertEquals(202, result.status(), result.message());
        assertEquals("rolled back from v3 to v1; the stream apps load it from the update topic", result.message());
        assertEquals("v1", result.published().orElseThrow().getVersion());
        assertEquals(List.of("v1"), republished);
    }

    @Test
    void hostileOrPointlessRequestsPublishNothing() throws Exception {
        ManualRollback rollback = rollback(Duration.ofSeconds(5), recording());
        for (String malformed : new String[] {null, "", "../v1", "v1\n", "v 1", "-v1", "x".repeat(65), "v1%00"}) {
            assertEquals(400, rollback.request(malformed).status(), "refused before the run thread: " + malformed);
        }
        assertEquals(404, askAndHandle(rollback, "v9").status(), "never announced");
        assertEquals(409, askAndHandle(rollback, "v3").status(), "serving");
        assertEquals(List.of(), republished);
    }

    @Test
    void aVersionGoneFromTheStoreIs404AndAFailedSendIs503() throws Exception {
        ManualRollback gone = rollback(Duration.ofSeconds(5), previous -> {
            throw new IOException("cannot publish " + previous.getVersion() + " again: its folder is gone");
        });
        ManualRollback.Result result = askAndHandle(gone, "v1");
        assertEquals(404, result.status());
        assertTrue(result.message().contains("no longer in the model store"), result.message());
        ManualRollback broken = rollback(Duration.ofSeconds(5), previous -> {
            throw new java.util.concurrent.ExecutionException(new RuntimeException("broker down"));
        });
        assertEquals(503, askAndHandle(broken, "v1").status());
    }

    @Test
    void aRequestTheRunThreadDoesNotTakeInTimeIsWithdrawnAndNeverPublished() throws Exception {
        ManualRollback rollback = rollback(Duration.ofMillis(200), recording());
        ManualRollback.Result busy = rollback.request("v1"); // no run thread takes it: a training run is in progress
        assertEquals(409, busy.status());
        assertTrue(busy.message().contains("nothing was published"), busy.message());
        assertTrue(rollback.handlePending(() -> HISTORY).isEmpty(), "the run thread, free again, finds nothing");
        assertEquals(List.of(), republished);
    }

    @Test
    void oneRequestAtATime() throws Exception {
        ManualRollback rollback = rollback(Duration.ofSeconds(2), recording());
        CompletableFuture<ManualRollback.Result> first = ask(rollback, "v1");
        Thread.sleep(300); // the first is pending now
        ManualRollback.Result second = rollback.request("v2");
        assertEquals(409, second.status());
        assertTrue(second.message().contains("another rollback"), second.message());
        rollback.handlePending(() -> HISTORY);
        assertEquals(202, first.get(5, TimeUnit.SECONDS).status());
        assertEquals(List.of("v1"), republished);
    }
}
