package io.triage.console;

import ai.djl.Device;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.triage.model.ClassifierModel;
import io.triage.model.config.ModelOverrides;
import io.triage.model.explain.Attribution;
import io.triage.model.explain.Baseline;
import io.triage.model.explain.IntegratedGradients;
import io.triage.model.explain.LabeledText;
import io.triage.model.explain.NearestExamples;
import io.triage.model.explain.Neighbour;
import io.triage.model.io.ArtifactFetcher;
import io.triage.model.io.ArtifactRejectedException;
import io.triage.model.io.FetchedArtifact;
import io.triage.model.io.ModelLoader;
import io.triage.model.text.TextInput;
import io.triage.schemas.ModelUpdate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/**
 * "Why did it say that?": for a text (or pair) and the version that classified it, which tokens pushed each label's
 * score up or down (integrated gradients on the input embeddings, its completeness gap stated) and the nearest
 * labeled examples in the version's pooled feature space. On demand, off the inference path: the console loads the
 * version's artifact itself — only a version on the update topic that verifies with the trusted keys, fetched from
 * the allowed locations and checked against its announced SHA-256, as a stream app does — on the CPU with PyTorch,
 * and computes on one {@link ExplainWorker} with a bounded queue, keeping at most a {@link LoadedModels} few loaded.
 */
final class Explanations implements AutoCloseable {
    /** A request that gets no explanation, with the HTTP status that says why. */
    static final class Refused extends Exception {
        final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    /** Limits of one explanation. */
    record Limits(int maxTokens, int steps, int nearest, int maxExamples) {}

    private static final Logger LOG = LoggerFactory.getLogger(Explanations.class);
    private final ModelVersions versions;
    private final Optional<ArtifactFetcher> fetcher;
    private final Supplier<List<LabeledText>> examples;
    private final Limits limits;
    private final ExplainWorker worker;
    private final LoadedModels<Loaded> models;

    /** A loaded version and the features of the examples already searched under it. */
    private record Loaded(ClassifierModel model, Map<TextInput, float[]> features) implements AutoCloseable {
        @Override
        public void close() {
            model.close();
        }
    }

    /**
     * @param fetcher empty when no artifact location is allowed: then every request is refused, saying so
     * @param examples the labeled examples to search, read when an explanation runs
     */
    Explanations(ModelVersions versions, Optional<ArtifactFetcher> fetcher, Supplier<List<LabeledText>> examples,
                 Limits limits, ExplainWorker worker, int loadedModels) {
        this.versions = versions;
        this.fetcher = fetcher;
        this.examples = examples;
        this.limits = limits;
        this.worker = worker;
        this.models = new LoadedModels<>(loadedModels, this::load);
    }

    /** The explanation of {@code text} (and {@code pair}, or null) under {@code version}, as the page renders it. */
    ObjectNode explain(String version, String text, String pair) throws Refused, InterruptedException {
        if (text == null || text.isBlank()) {
            throw new Refused(400, "nothing to explain: the text is empty");
        }
        if (fetcher.isEmpty()) {
            throw new Refused(503, "explanations are off: this console may load artifacts from nowhere (set "
                    + ConsoleSettings.ARTIFACT_ALLOWED_URIS + " to the model store's location)");
        }
        if (versions.find(version).isEmpty()) {
            throw new Refused(404, versions.isFollowing() ? "no version '" + version + "' on the update topic that "
                    + "verifies with the trusted keys" : "no trusted keys: this console knows no versions to explain");
        }
        TextInput input = new TextInput(text, pair == null || pair.isEmpty() ? null : pair);
        try {
            return worker.run(() -> compute(version, input));
        } catch (ExplainWorker.Busy e) {
            throw new Refused(429, e.getMessage());
        } catch (ExplainWorker.TimedOut e) {
            throw new Refused(503, e.getMessage());
        } catch (ExecutionException e) {
            throw refusal(version, e.getCause());
        }
    }

    /** Says why, in words, with a status: the cause never escapes as a stack trace into the page. */
    private static Refused refusal(String version, Throwable cause) {
        if (cause instanceof Refused r) {
            return r;
        }
        if (cause instanceof ArtifactRejectedException e) {
            return new Refused(502, "the artifact of version " + version + " was refused: " + e.getMessage());
        }
        if (cause instanceof IOException e) {
            return new Refused(502, "the artifact of version " + version + " cannot be loaded: " + e.getMessage());
        }
        if (cause instanceof IllegalArgumentException e) {
            return new Refused(400, e.getMessage());
        }
        LOG.error("explaining under version {} failed", version, cause);
        return new Refused(500, "explaining under version " + version + " failed: " + cause.getClass().getSimpleName()
                + (cause.getMessage() == null ? "" : ": " + cause.getMessage()));
    }

    /** On the worker's thread. */
    private ObjectNode compute(String version, TextInput input) throws Exception {
        long started = System.nanoTime();
        Loaded loaded = models.get(version);
        ClassifierModel model = loaded.model();
        int tokens = model.tokenizer().encode(input).length();
        if (tokens > limits.maxTokens()) {
            throw new Refused(413, "the text is " + tokens + " tokens as version " + version + " reads it; "
                    + "explanations cover at most " + limits.maxTokens() + " (" + ConsoleSettings.EXPLAIN_MAX_TOKENS + ")");
        }
        Attribution attribution = new IntegratedGradients(model, limits.steps(),
                Math.min(IntegratedGradients.DEFAULT_STEPS_PER_PASS, limits.steps()), Baseline.PAD).explain(input);
        List<LabeledText> searched = examples.get();
        if (loaded.features().size() > 2 * limits.maxExamples()) {
            loaded.features().clear(); // the examples kept have moved on: start the memo again
        }
        List<Neighbour> nearest = searched.isEmpty() ? List.of()
                : new NearestExamples(model).find(input, searched.iterator(), limits.nearest(), loaded.features());
        boolean truncated = model.tokenizer().windows(input, 0).size() > 1;
        LOG.info("explained {} tokens under version {} in {} ms, {} examples searched", tokens, version,
                (System.nanoTime() - started) / 1_000_000, searched.size());
        return ExplanationJson.of(model, attribution, Baseline.PAD, truncated, nearest, searched.size(),
                (System.nanoTime() - started) / 1_000_000);
    }

    /** On the worker's thread, inside {@link LoadedModels#get}: fetch, verify, load on the CPU; a download is deleted. */
    private Loaded load(String version) throws Exception {
        ModelUpdate update = versions.find(version).orElseThrow(() -> new Refused(404, "no version '" + version
                + "' on the update topic"));
        long started = System.nanoTime();
        try (FetchedArtifact artifact = fetcher.orElseThrow().fetchVerified(update.getArtifactUri(), update.getSha256())) {
            ClassifierModel model = ModelLoader.loadFolder(artifact.folder(), ModelOverrides.NONE.withVersion(version),
                    Device.cpu());
            LOG.info("loaded version {} for explanations in {} ms", version, (System.nanoTime() - started) / 1_000_000);
            return new Loaded(model, new HashMap<>());
        }
    }

    /** The versions loaded now, least recently used first. */
    List<String> loadedVersions() {
        return models.versions();
    }

    /** Stops the worker, then frees the models, unless a computation outlives the grace (then the process ends). */
    @Override
    public void close() throws InterruptedException {
        if (worker.stop(Duration.ofSeconds(30))) {
            models.close();
        } else {
            LOG.warn("an explanation is still running: its model is left to the process's end");
        }
    }
}
