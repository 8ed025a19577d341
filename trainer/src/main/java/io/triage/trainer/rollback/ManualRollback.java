package io.triage.trainer.rollback;

import io.triage.schemas.ModelUpdate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * A rollback someone asked for ({@code POST /rollback?version=v1}): a stored version that was announced before is
 * published again through the normal signed path. The request is handed to the trainer's run thread, which owns the
 * update log and runs training and the automatic rollback, so nothing interleaves with them; the asking (HTTP)
 * thread waits a bounded time. A request that the run thread has not taken by then (a training run is in progress)
 * is withdrawn and nothing is published.
 */
public final class ManualRollback {
    private static final Logger LOG = LoggerFactory.getLogger(ManualRollback.class);
    /** What a version name may look like (the trainer's are {@code v<N>}); anything else is refused unread. */
    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    /** The answer to a request: an HTTP status and a message for the person who asked. */
    public record Result(int status, String message, Optional<ModelUpdate> published) {
        static Result refused(int status, String message) {
            return new Result(status, message, Optional.empty());
        }
    }

    private record Request(String version, CompletableFuture<Result> answer) {}

    private final AutoRollback.Republisher republisher;
    private final Duration wait;
    private final AtomicReference<Request> pending = new AtomicReference<>();
    private final Runnable wakeRunThread;

    /**
     * @param wait          how long the asking thread waits for the run thread to take its request
     * @param wakeRunThread makes the run thread look at the pending request now
     */
    public ManualRollback(AutoRollback.Republisher republisher, Duration wait, Runnable wakeRunThread) {
        this.republisher = republisher;
        this.wait = wait;
        this.wakeRunThread = wakeRunThread;
    }

    /** Called on the asking thread: validates the name, hands the request over, and waits for the answer. */
    public Result request(String version) throws InterruptedException {
        if (version == null || version.isEmpty()) {
            return Result.refused(400, "give the version to roll back to: ?version=<name>");
        }
        if (!VERSION.matcher(version).matches()) {
            return Result.refused(400, "not a version name: letters, digits, '.', '_' and '-', at most 64");
        }
        Request request = new Request(version, new CompletableFuture<>());
        if (!pending.compareAndSet(null, request)) {
            return Result.refused(409, "another rollback is being handled; try again");
        }
        wakeRunThread.run();
        try {
            return request.answer().get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            if (pending.compareAndSet(request, null)) { // withdrawn: the run thread will never see it
                return Result.refused(409, "the trainer is busy (a training run is in progress); nothing was "
                        + "published, try again when it finished");
            }
            try { // the run thread took it just now: its answer follows the publish
                return request.answer().get(wait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException late) {
                return Result.refused(504, "the rollback to " + version + " was started but has not finished yet; "
                        + "see the update topic");
            } catch (ExecutionException never) {
                throw new IllegalStateException(never.getCause());
            }
        } catch (ExecutionException never) { // the run thread completes the answer, never exceptionally
            throw new IllegalStateException(never.getCause());
        }
    }

    /**
     * Called on the run thread: handles the pending request, if any.
     *
     * @param acceptedNewestFirst the update log's accepted updates, newest (the serving one) first
     * @return what was published, if anything
     */
    public Optional<ModelUpdate> handlePending(Supplier<List<ModelUpdate>> acceptedNewestFirst) {
        Request request = pending.getAndSet(null);
        if (request == null) {
            return Optional.empty();
        }
        Result result;
        try {
            result = rollBack(request.version(), acceptedNewestFirst.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result = Result.refused(503, "the trainer is stopping; nothing was published");
        } catch (Exception e) {
            LOG.error("manual rollback to {} failed", request.version(), e);
            result = Result.refused(503, "publishing " + request.version() + " again failed (" + e.getMessage()
                    + "); try again");
        }
        request.answer().complete(result);
        return result.published();
    }

    private Result rollBack(String version, List<ModelUpdate> acceptedNewestFirst) throws Exception {
        if (acceptedNewestFirst.isEmpty()) {
            return Result.refused(404, "no version has been announced yet");
        }
        ModelUpdate serving = acceptedNewestFirst.get(0);
        if (serving.getVersion().equals(version)) {
            return Result.refused(409, version + " is the version serving now; nothing to roll back");
        }
        Optional<ModelUpdate> announced = acceptedNewestFirst.stream().filter(u -> u.getVersion().equals(version))
                .findFirst();
        if (announced.isEmpty()) {
            return Result.refused(404, version + " was never announced (or is older than the update log's history)");
        }
        ModelUpdate published;
        try {
            published = republisher.publishAgain(announced.get());
        } catch (IOException gone) { // publishAgain checks the store before it sends anything
            return Result.refused(404, version + " is no longer in the model store; nothing was published");
        }
        LOG.warn("rolled back from {} to {} on request", serving.getVersion(), version);
        return new Result(202, "rolled back from " + serving.getVersion() + " to " + version
                + "; the stream apps load it from the update topic", Optional.of(published));
    }
}
