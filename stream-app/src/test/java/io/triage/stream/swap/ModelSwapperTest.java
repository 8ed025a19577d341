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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.triage.stream.config.StreamAppSettings.BATCH_LENGTH_GROUP_SIZE;
import static io.triage.stream.config.StreamAppSettings.MODEL_DEVICE;
import static io.triage.stream.config.StreamAppSettings.MODEL_PRECISION;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Swaps between two real artifacts: the new version serves, the old model's native memory is freed. */
class ModelSwapperTest {
    private static final List<String> LABELS = List.of("neg", "pos");

    @TempDir
    static Path models;

    private static ModelUpdate v1;
    private static ModelUpdate v2;
    /** Only to reach the engine's root manager, below which every NDArray lives. */
    private static NDManager probe;

    @BeforeAll
    static void artifacts() throws IOException {
        v1 = save("v1");
        v2 = save("v2");
        probe = NDManager.newBaseManager(Device.cpu(), "PyTorch");
    }

    @AfterAll
    static void closeProbe() {
        probe.close();
    }

    private static ModelUpdate save(String version) throws IOException {
        Path dir = models.resolve(version);
        try (ClassifierModel m = ModelLoader.loadBundled(ModelOverrides.NONE.withLabels(LABELS).withVersion(version), Device.cpu())) {
            String sha = ModelArtifact.save(m, dir, null);
            return ModelUpdate.newBuilder().setModelName("triage").setVersion(version).setArtifactUri(dir.toUri().toString())
                    .setSha256(sha).setLabels(LABELS).setMetrics(Map.of()).setTrainingMode(TrainingMode.HEAD)
                    .setCreatedAt(Instant.now()).build();
        }
    }

    @Test
    void eachSwapServesTheNewVersionFreesTheOldModelAndRecordsItsSteps() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (InferenceWorker worker = InferenceWorker.start(null)) {
            ServingModels onCpu = ServingModels.from(StreamAppSettings.of(Map.of(MODEL_DEVICE, "cpu", MODEL_PRECISION, "fp32",
                    BATCH_LENGTH_GROUP_SIZE, "16")));
            ModelSwapper swapper = new ModelSwapper(worker, onCpu,
                    new ArtifactFetcher(models.resolve("downloads"), new AllowedLocations(List.of(models.toString())),
                            Long.MAX_VALUE, Duration.ofMinutes(1)), new StreamMetrics(registry), LABELS);
            assertTrue(swapper.apply(v1));
            ModelBatchClassifier first = (ModelBatchClassifier) worker.serving();
            int oneModel = liveArrays();

            assertTrue(swapper.apply(v2));
            assertEquals("v2", worker.serving().modelVersion());
            assertFalse(first.textClassifier().model().djlModel().getNDManager().isOpen(), "the replaced model is closed");
            assertEquals(oneModel, liveArrays(), "only the serving model's arrays are alive");

            assertFalse(swapper.apply(v2), "the version serving already is skipped");
            assertTrue(swapper.apply(v1), "republishing an older version rolls back to it");
            assertEquals("v1", worker.serving().modelVersion());
            assertEquals(oneModel, liveArrays());

            for (SwapSteps.Step step : SwapSteps.Step.values()) {
                assertEquals(3, registry.find(SwapSteps.TIMER).tag("step", step.tag()).timer().count(), step.tag());
            }
        }
    }

    private static int liveArrays() {
        return probe.getParentManager().getManagedArrays().size();
    }
}
