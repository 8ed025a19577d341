package io.triage.stream.batch;

import io.triage.model.config.DeviceSpec;
import io.triage.model.config.LabelThresholds;
import io.triage.model.config.ModelOverrides;
import io.triage.model.drift.ReferenceProfile;
import io.triage.model.infer.CpuThreads;
import io.triage.model.infer.InferenceEngine;
import io.triage.model.infer.Precision;
import io.triage.model.infer.TextClassifier;
import io.triage.model.io.ModelLoader;
import io.triage.model.text.LongInputs;
import io.triage.stream.config.StreamAppSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

import static io.triage.stream.config.StreamAppSettings.*;

/**
 * How the stream app loads and runs a model for serving: on the configured device, engine and precision, each batch in
 * forward passes grouped by token length, on the configured CPU threads, long inputs truncated or windowed as
 * configured, a multi-label model's thresholds as configured. The bootstrap model, every update the
 * swapper loads and the benchmarks' raw-model runs all come from here, so they all run the same way.
 */
public final class ServingModels {
    private static final Logger LOG = LoggerFactory.getLogger(ServingModels.class);

    /** auto, cpu or gpu:N: resolved at each load, so the stream app itself never handles an engine's device */
    private final String device;
    private final InferenceEngine engine;
    private final Precision precision;
    private final int cpuThreads;
    private final int lengthGroupSize;
    private final LongInputs longInputs;
    private final LabelThresholds thresholds;
    private final String bootstrapSource;
    private final List<String> bootstrapLabels;

    private ServingModels(String device, InferenceEngine engine, Precision precision, int cpuThreads,
                          int lengthGroupSize, LongInputs longInputs, LabelThresholds thresholds,
                          String bootstrapSource,
                          List<String> bootstrapLabels) {
        this.device = device;
        this.engine = engine;
        this.precision = precision;
        this.cpuThreads = cpuThreads;
        this.lengthGroupSize = lengthGroupSize;
        this.longInputs = longInputs;
        this.thresholds = thresholds;
        this.bootstrapSource = bootstrapSource;
        this.bootstrapLabels = bootstrapLabels;
    }

    public static ServingModels from(StreamAppSettings config) {
        return new ServingModels(config.get(MODEL_DEVICE), InferenceEngine.parse(config.get(MODEL_ENGINE)),
                config.getEnum(MODEL_PRECISION, Precision.class),
                CpuThreads.resolve(config.getInt(MODEL_CPU_THREADS, 0)), config.getInt(BATCH_LENGTH_GROUP_SIZE, 1),
                LongInputs.parse(config.get(MODEL_LONG_INPUT), config.getInt(MODEL_LONG_INPUT_STRIDE, 0)),
                LabelThresholds.parse(config.get(MODEL_LABEL_THRESHOLDS)),
                config.get(MODEL_SOURCE), config.getList(MODEL_LABELS));
    }

    /** The worker thread these models run on, with PyTorch's CPU threads set on it. */
    public InferenceWorker startWorker() {
        return InferenceWorker.start(null, () -> CpuThreads.useOnThisThread(cpuThreads));
    }

    /** The model the settings name, with the configured labels (none: the model's own). */
    public ModelBatchClassifier loadBootstrap() throws IOException {
        return loadBootstrap(Runnable::run);
    }

    /** {@link #loadBootstrap()}, opened on its engine on {@code opener}, as {@link #loadVersion(Path, String, Executor)}. */
    public ModelBatchClassifier loadBootstrap(Executor opener) throws IOException {
        return load(bootstrapSource, ModelOverrides.NONE.withLabels(bootstrapLabels.isEmpty() ? null : bootstrapLabels),
                opener);
    }

    /** A fetched update's artifact, under the version its update names. */
    public ModelBatchClassifier loadVersion(Path folder, String version) throws IOException {
        return loadVersion(folder, version, Runnable::run);
    }

    /**
     * {@link #loadVersion(Path, String)}, with the last step, which opens the model on its engine, run on
     * {@code opener}: the threads the engine starts there (ONNX Runtime's intra-op pool) keep that thread's CPU
     * priority for good. Reading the artifact stays on the calling thread.
     */
    public ModelBatchClassifier loadVersion(Path folder, String version, Executor opener) throws IOException {
        return load(folder.toString(), ModelOverrides.NONE.withVersion(version), opener);
    }

    /**
     * The reference distributions of the artifact folder {@code source}, for drift. A missing one (the bundled
     * model, an older artifact) or an invalid one means no drift metrics, never a refused model: it is monitoring.
     */
    private static Optional<ReferenceProfile> reference(String source) {
        try {
            Path folder = Path.of(source);
            return Files.isDirectory(folder) ? ReferenceProfile.read(folder) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            LOG.warn("ignoring {}/{}: {}; no drift metrics for this version", source, ReferenceProfile.FILE,
                    e.getMessage());
            return Optional.empty();
        }
    }

    private ModelBatchClassifier load(String source, ModelOverrides overrides, Executor opener) throws IOException {
        var model = ModelLoader.load(source, overrides, DeviceSpec.parse(device));
        TextClassifier classifier;
        try {
            classifier = CompletableFuture.supplyAsync(
                    () -> TextClassifier.of(model, precision, longInputs, thresholds, engine, cpuThreads), opener).join();
        } catch (CompletionException e) { // e.g. thresholds for labels this model lacks
            model.close();
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
        LOG.info("loaded model {} version {} on {} with {}, labels {}{}", model.config().name(),
                model.config().version(), model.device(), classifier.engine().settingValue(), model.config().labels(),
                model.config().multiLabel()
                        ? ", multi-label, thresholds " + java.util.Arrays.toString(classifier.thresholds()) : "");
        return new ModelBatchClassifier(classifier, lengthGroupSize, reference(source));
    }
}
