package io.triage.stream.swap;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.triage.model.ClassifierModel;
import io.triage.model.config.ModelOverrides;
import io.triage.model.io.AllowedLocations;
import io.triage.model.io.ArtifactFetcher;
import io.triage.model.io.ModelArtifact;
import io.triage.model.io.ModelLoader;
import io.triage.schemas.ModelUpdate;
import io.triage.schemas.TrainingMode;
import io.triage.stream.batch.InferenceWorker;
import io.triage.stream.batch.ModelBatchClassifier;
import io.triage.stream.batch.ServingModels;
import io.triage.stream.config.StreamAppSettings;
import io.triage.stream.ops.StreamMetrics;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.triage.stream.config.StreamAppSettings.BATCH_LENGTH_GROUP_SIZE;
import static io.triage.stream.config.StreamAppSettings.MODEL_DEVICE;
import static io.triage.stream.config.StreamAppSettings.MODEL_ENGINE;
import static io.triage.stream.config.StreamAppSettings.MODEL_PRECISION;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Swaps between two real artifacts on each serving engine: the new version serves, the old model's native memory
 * is freed.
 */
class ModelSwapperTest {
    static final List<String> LABELS = List.of("neg", "pos");

    @TempDir
    static Path models;

    private static ModelUpdate v1;
    private static ModelUpdate v2;

    @BeforeAll
    static void artifacts() throws IOException {
        v1 = save(models, "v1");
        v2 = save(models, "v2");
    }

    /** The bundled model with {@code LABELS}, saved as an artifact under {@code models}, and its update. */
    static ModelUpdate save(Path models, String version) throws IOException {
        Path dir = models.resolve(version);
        try (ClassifierModel m = ModelLoader.loadBundled(ModelOverrides.NONE.withLabels(LABELS).withVersion(version), Device.cpu())) {
            String sha = ModelArtifact.save(m, dir, null);
            return ModelUpdate.newBuilder().setModelName("triage").setVersion(version).setArtifactUri(dir.toUri().toString())
                    .setSha256(sha).setLabels(LABELS).setMetrics(Map.of()).setTrainingMode(TrainingMode.HEAD)
                    .setCreatedAt(Instant.now()).build();
        }
    }

    /** {@code djlEngine}: only to reach the engine's root manager, below which every NDArray of it lives. */
    @ParameterizedTest
    @CsvSource({"pytorch, PyTorch", "onnxruntime, OnnxRuntime"})
    void eachSwapServesTheNewVersionFreesTheOldModelAndRecordsItsSteps(String engine, String djlEngine) throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (InferenceWorker worker = InferenceWorker.start(null);
                NDManager probe = NDManager.newBaseManager(Device.cpu(), djlEngine)) {
            ServingModels onCpu = ServingModels.from(StreamAppSettings.of(Map.of(MODEL_DEVICE, "cpu", MODEL_ENGINE, engine,
                    MODEL_PRECISION, "fp32", BATCH_LENGTH_GROUP_SIZE, "16")));
            ModelSwapper swapper = new ModelSwapper(worker, onCpu,
                    new ArtifactFetcher(models.resolve("downloads"), new AllowedLocations(List.of(models.toString())),
                            Long.MAX_VALUE, Duration.ofMinutes(1)), new StreamMetrics(registry), LABELS);
            assertTrue(swapper.apply(v1));
            ModelBatchClassifier first = (ModelBatchClassifier) worker.serving();
            assertEquals(engine, first.textClassifier().engine().settingValue());
            int oneModel = liveArrays(probe);

            assertTrue(swapper.apply(v2));
            assertEquals("v2", worker.serving().modelVersion());
            assertFalse(first.textClassifier().isOpen(), "the replaced model is closed");
            assertEquals(oneModel, liveArrays(probe), "only the serving model's arrays are alive");

            assertFalse(swapper.apply(v2), "the version serving already is skipped");
            assertTrue(swapper.apply(v1), "republishing an older version rolls back to it");
            assertEquals("v1", worker.serving().modelVersion());
            assertEquals(oneModel, liveArrays(probe));

            for (SwapSteps.Step step : SwapSteps.Step.values()) {
                assertEquals(3, registry.find(SwapSteps.TIMER).tag("step", step.tag()).timer().count(), step.tag());
            }
        }
    }

    private static int liveArrays(NDManager probe) {
        return probe.getParentManager().getManagedArrays().size();
    }
}
