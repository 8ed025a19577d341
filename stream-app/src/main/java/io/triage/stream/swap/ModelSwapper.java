package io.triage.stream.swap;

import io.triage.model.io.ArtifactFetcher;
import io.triage.model.io.ArtifactRejectedException;
import io.triage.model.io.FetchedArtifact;
import io.triage.model.text.TextInput;
import io.triage.schemas.ModelUpdate;
import io.triage.service.ModelUpdateRejected;
import io.triage.service.ModelUpdateRejected.Reason;
import io.triage.stream.batch.BatchClassifier;
import io.triage.stream.batch.InferenceWorker;
import io.triage.stream.batch.ModelBatchClassifier;
import io.triage.stream.batch.ServingModels;
import io.triage.stream.ops.StreamMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;

/**
 * Turns a {@link ModelUpdate} into the serving model: fetch the artifact, check its SHA-256 and labels, load it on
 * the device, warm it with one batch, swap it in between two batches (see {@link InferenceWorker#swap}), then close
 * the old model and give its memory back to the OS. Any failure leaves the old model serving. Runs off the stream
 * thread, so loading never pauses classification; each step's time is logged and recorded ({@link SwapSteps}).
 */
public final class ModelSwapper {
    private static final Logger LOG = LoggerFactory.getLogger(ModelSwapper.class);
    private static final List<TextInput> WARM_UP = List.of(TextInput.of("warm-up"), TextInput.of("a second, longer warm-up text"));

    private final InferenceWorker worker;
    private final ServingModels models;
    private final ArtifactFetcher fetcher;
    private final StreamMetrics metrics;
    private Set<String> servedLabels;
    private volatile String servedVersion;

    /** @param servedLabels the labels the app serves; empty: those of the first version from the update topic */
    public ModelSwapper(InferenceWorker worker, ServingModels models, ArtifactFetcher fetcher, StreamMetrics metrics,
                        List<String> servedLabels) {
        this.worker = worker;
        this.models = models;
        this.fetcher = fetcher;
        this.metrics = metrics;
        this.servedLabels = servedLabels.isEmpty() ? null : Set.copyOf(servedLabels);
        ServingModelLoader.start(); // from here, at the app's start-up priority, not later from the follower
    }

    /** The labels the app serves, fixed by the configuration or by the first version from the topic; else empty. */
    public List<String> servedLabels() {
        return servedLabels == null ? List.of() : List.copyOf(new java.util.TreeSet<>(servedLabels));
    }

    /**
     * The configured bootstrap model, opened on its engine where swapped-in models are, so that every serving
     * model's threads look alike (priority, and the name the kernel shows: "triage-inferenc").
     */
    public ModelBatchClassifier loadBootstrap() throws IOException {
        return models.loadBootstrap(ServingModelLoader.executor());
    }

    /**
     * Serves a model that did not come from the update topic (the configured bootstrap model). Its labels do not
     * bind the app (an untrained bootstrap head has placeholder labels): configured labels, or else the first
     * version from the topic, do.
     */
    public void serve(ModelBatchClassifier model) throws InterruptedException {
        if (servedLabels != null && !servedLabels.equals(new HashSet<>(model.labels()))) {
            throw new IllegalArgumentException("model labels " + model.labels() + " differ from the configured " + servedLabels);
        }
        release(swapIn(model, 0), model);
    }

    /**
     * Fetches, verifies, loads and warms the update's artifact, then swaps it in. Whatever goes wrong on the way —
     * checked or unchecked, in our code or a library's — is a {@link ModelUpdateRejected}: nothing an update holds
     * can stop the app, and the old model keeps serving.
     *
     * @return false when this version already serves (a re-delivery or a restart), true once swapped
     */
    public boolean apply(ModelUpdate update) throws ModelUpdateRejected, InterruptedException {
        if (update.getVersion().equals(servedVersion)) {
            return false;
        }
        SwapSteps steps = new SwapSteps();
        ModelBatchClassifier model = prepare(update, steps, true);
        if (servedLabels == null) {
            servedLabels = Set.copyOf(update.getLabels()); // the first version from the topic fixes them
        }
        BatchClassifier replaced = swapIn(model, generation(update));
        steps.done(SwapSteps.Step.SWAP);
        release(replaced, model);
        steps.done(SwapSteps.Step.RELEASE);
        steps.record(metrics.registry());
        LOG.info("swapped to version {}: {}", update.getVersion(), steps);
        return true;
    }

    /**
     * Fetches, verifies, loads and warms the update's artifact without serving it: a shadow trial's candidate
     * (docs/guard-rails.md). Rejected as {@link #apply} would; closing the model is the caller's.
     */
    public ModelBatchClassifier prepare(ModelUpdate update) throws ModelUpdateRejected {
        return prepare(update, new SwapSteps(), false);
    }

    /**
     * @param toServe open the model on its engine and warm it on {@link ServingModelLoader}'s thread, at normal
     *                priority, so that the threads the model starts there serve at it too; else all on the calling
     *                thread
     */
    private ModelBatchClassifier prepare(ModelUpdate update, SwapSteps steps, boolean toServe)
            throws ModelUpdateRejected {
        if (servedLabels != null && !servedLabels.equals(new HashSet<>(update.getLabels()))) {
            throw new ModelUpdateRejected(Reason.INCOMPATIBLE_LABELS, "version " + update.getVersion()
                    + " has labels " + update.getLabels() + ", the app serves " + servedLabels, null);
        }
        try (FetchedArtifact artifact = fetch(update)) { // closing deletes a download once loaded
            steps.done(SwapSteps.Step.FETCH);
            verify(update, artifact);
            steps.done(SwapSteps.Step.VERIFY);
            return load(update, artifact, steps, toServe);
        }
    }

    /** The version serving now (null before the first). */
    public String servedVersion() {
        return servedVersion;
    }

    private FetchedArtifact fetch(ModelUpdate update) throws ModelUpdateRejected {
        try {
            return fetcher.fetch(update.getArtifactUri());
        } catch (ArtifactRejectedException e) {
            throw new ModelUpdateRejected(Reason.URI_NOT_ALLOWED, e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            throw new ModelUpdateRejected(Reason.FETCH_FAILED, update.getArtifactUri() + ": " + e.getMessage(), e);
        }
    }

    private static void verify(ModelUpdate update, FetchedArtifact artifact) throws ModelUpdateRejected {
        try {
            ArtifactFetcher.verify(artifact, update.getArtifactUri(), update.getSha256());
        } catch (ArtifactRejectedException e) {
            throw new ModelUpdateRejected(Reason.HASH_MISMATCH, e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            throw new ModelUpdateRejected(Reason.FETCH_FAILED, "cannot read " + artifact.folder() + ": " + e.getMessage(), e);
        }
    }

    private ModelBatchClassifier load(ModelUpdate update, FetchedArtifact artifact, SwapSteps steps, boolean toServe)
            throws ModelUpdateRejected {
        ModelBatchClassifier model;
        try {
            model = models.loadVersion(artifact.folder(), update.getVersion(),
                    toServe ? ServingModelLoader.executor() : Runnable::run);
        } catch (IOException | RuntimeException e) {
            throw new ModelUpdateRejected(Reason.LOAD_FAILED, "cannot load " + update.getArtifactUri()
                    + ": " + e.getMessage(), e);
        }
        steps.done(SwapSteps.Step.LOAD);
        try {
            if (!model.labels().equals(update.getLabels())) {
                throw new ModelUpdateRejected(Reason.INCOMPATIBLE_LABELS, "the artifact's labels "
                        + model.labels() + " differ from the update's " + update.getLabels(), null);
            }
            // first-call costs (allocator, kernels, helper threads) are paid here, not by a live batch
            if (toServe) {
                ServingModelLoader.call(() -> model.classify(WARM_UP));
            } else {
                model.classify(WARM_UP);
            }
            steps.done(SwapSteps.Step.WARM_UP);
            return model;
        } catch (ModelUpdateRejected e) {
            model.close();
            throw e;
        } catch (RuntimeException e) {
            model.close();
            throw new ModelUpdateRejected(Reason.LOAD_FAILED, "warm-up failed: " + e.getMessage(), e);
        }
    }

    /**
     * An update's place in the order of versions, the same on every instance: when it was signed (accepted updates
     * are signed ever later, {@code ModelUpdateLog} refuses the others), or created when unsigned.
     */
    static long generation(ModelUpdate update) {
        java.time.Instant at = update.getSignedAt() != null ? update.getSignedAt() : update.getCreatedAt();
        return at == null ? 0 : at.toEpochMilli();
    }

    /** @return the model that served before (null if none); no batch uses it any more */
    private BatchClassifier swapIn(ModelBatchClassifier model, long generation) throws InterruptedException {
        BatchClassifier replaced;
        try {
            replaced = worker.swap(model, generation).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("the inference worker failed to swap models", e.getCause());
        }
        servedVersion = model.modelVersion();
        metrics.servingModel(model.modelName(), model.modelVersion());
        metrics.drift().serving(model.modelName(), model.modelVersion(), model.labels(), model.reference());
        LOG.info("now serving model {} version {}", model.modelName(), model.modelVersion());
        return replaced;
    }

    /** Frees the replaced model here, off the inference thread, and gives its native memory back to the OS. */
    private static void release(BatchClassifier replaced, BatchClassifier serving) {
        if (replaced != null && replaced != serving) {
            replaced.close();
            NativeMemory.releaseFreed();
        }
    }
}
