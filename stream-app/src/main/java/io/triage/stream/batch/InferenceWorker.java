package io.triage.stream.batch;

import io.triage.model.infer.Classification;
import io.triage.model.text.TextInput;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one place where the model runs: a single worker thread fed by a queue, shared by every stream task.
 *
 * <p>Why one thread: DJL predictors are not thread-safe; on the CPU PyTorch already spreads one forward pass over
 * all cores (intra-op threads), so parallel passes would only compete for them; a GPU runs passes one after the
 * other anyway. Why not the stream thread: while the model works on one batch, the stream thread keeps reading,
 * buffering and committing, so the next batch fills up during inference instead of after it.
 *
 * <p>Model swaps go through the same queue: the batch in flight finishes on the old model, the next one runs on
 * the new model, and the old one goes back to the caller to close: freeing a model takes milliseconds that the
 * inference thread would otherwise take from the next batch.
 */
public final class InferenceWorker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(InferenceWorker.class);

    private final Executor executor;
    private final AtomicReference<BatchClassifier> serving;
    /** The {@link #generation()} of the serving model; written on the worker thread together with {@link #serving}. */
    private volatile long generation;
    /** Where finished batches go for a shadow trial; set once at start-up. */
    private volatile ShadowTap shadowTap = ShadowTap.NONE;
    /** Batches submitted and not yet classified, from every task. */
    private final AtomicInteger batchesInWork = new AtomicInteger();

    private InferenceWorker(Executor executor, BatchClassifier initial) {
        this.executor = executor;
        this.serving = new AtomicReference<>(initial);
    }

    /** A worker thread serving {@code initial} (null: nothing serves until the first {@link #swap}). */
    public static InferenceWorker start(BatchClassifier initial) {
        return start(initial, () -> {});
    }

    /**
     * A worker thread serving {@code initial}, that first runs {@code threadSetup}: engine settings that hold per
     * thread, such as PyTorch's CPU threads.
     */
    public static InferenceWorker start(BatchClassifier initial, Runnable threadSetup) {
        ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "triage-inference");
            t.setDaemon(true);
            return t;
        });
        thread.execute(threadSetup);
        return new InferenceWorker(thread, initial);
    }

    /** Runs every batch on the caller's thread, for tests that need processing to be synchronous. */
    public static InferenceWorker direct(BatchClassifier initial) {
        return new InferenceWorker(Runnable::run, initial);
    }

    /** Hands every finished batch to {@code tap} too (a shadow trial), off the model's thread. */
    public void shadowTap(ShadowTap tap) {
        this.shadowTap = tap;
    }

    public ShadowTap shadowTap() {
        return shadowTap;
    }

    public boolean isLoaded() {
        return serving.get() != null;
    }

    /** The model serving now (null before the first one is loaded). */
    public BatchClassifier serving() {
        return serving.get();
    }

    /**
     * Where the serving model stands in the fleet's order of versions: the signing time (epoch millis) of the update
     * it came from, the same number on every instance; 0 for a model that did not come from the update topic.
     */
    public long generation() {
        return generation;
    }

    /**
     * Classifies a batch on the worker. If the batch as a whole fails, each input is retried once on its own, so
     * one bad input costs only itself: the outcome then holds the failure in its place.
     */
    public CompletableFuture<BatchOutcome> submit(List<TextInput> inputs) {
        batchesInWork.incrementAndGet();
        return CompletableFuture.supplyAsync(() -> {
            try {
                return run(inputs);
            } finally {
                batchesInWork.decrementAndGet(); // before the outcome completes: whoever sees it done sees this
            }
        }, executor);
    }

    /** Whether no batch of any task is waiting for the model or with it: one submitted now would start at once. */
    public boolean isIdle() {
        return batchesInWork.get() == 0;
    }

    /**
     * Serves {@code next} from the next batch on. Completes once swapped, with the model it replaced (null if none):
     * no batch uses that one any more, and closing it is the caller's.
     */
    public CompletableFuture<BatchClassifier> swap(BatchClassifier next) {
        return swap(next, 0);
    }

    /** {@link #swap(BatchClassifier)}, for a model of the given {@link #generation()}. */
    public CompletableFuture<BatchClassifier> swap(BatchClassifier next, long nextGeneration) {
        return CompletableFuture.supplyAsync(() -> {
            generation = nextGeneration;
            return serving.getAndSet(next);
        }, executor);
    }

    private BatchOutcome run(List<TextInput> inputs) {
        BatchClassifier model = serving.get();
        long modelGeneration = generation;
        if (model == null) {
            throw new IllegalStateException("no model is loaded yet");
        }
        long t0 = System.nanoTime();
        List<Classification> results = new ArrayList<>(inputs.size());
        List<RuntimeException> failures = new ArrayList<>(inputs.size());
        try {
            results.addAll(model.classify(inputs));
            inputs.forEach(i -> failures.add(null));
        } catch (RuntimeException batchFailure) {
            LOG.warn("model failed on a batch of {}, retrying each input on its own", inputs.size(), batchFailure);
            results.clear();
            failures.clear();
            for (TextInput input : inputs) {
                try {
                    results.add(model.classify(List.of(input)).get(0));
                    failures.add(null);
                } catch (RuntimeException e) {
                    results.add(null);
                    failures.add(e);
                }
            }
        }
        long finished = System.nanoTime();
        return new BatchOutcome(model.modelName(), results, failures, finished - t0, modelGeneration, finished);
    }

    /** Stops the worker after the batches already queued and closes the serving model. */
    @Override
    public void close() {
        if (executor instanceof ExecutorService thread) {
            thread.shutdown();
            try {
                if (!thread.awaitTermination(30, TimeUnit.SECONDS)) {
                    LOG.warn("inference worker still busy after 30 s; closing the model anyway");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        BatchClassifier last = serving.getAndSet(null);
        if (last != null) {
            last.close();
        }
    }

    /**
     * What a batch produced: for input i, {@code results.get(i)} or, if it failed even alone, {@code failures.get(i)}.
     *
     * @param modelNanos time spent in the model for the whole batch, retries included
     * @param generation the model's {@link #generation()}
     * @param finishedAtNanos {@link System#nanoTime()} when the model was done with the batch
     */
    public record BatchOutcome(String modelName, List<Classification> results, List<RuntimeException> failures,
                               long modelNanos, long generation, long finishedAtNanos) {}
}
