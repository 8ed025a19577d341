package io.triage.stream;

import ai.djl.Device;
import io.triage.model.ClassifierModel;
import io.triage.model.config.ModelOverrides;
import io.triage.model.io.ModelArtifact;
import io.triage.model.io.ModelLoader;
import io.triage.schemas.ModelUpdate;
import io.triage.schemas.TrainingMode;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Versions for stream-app tests: the bundled encoder with a fresh, randomly initialised head, saved as an artifact. */
final class TestArtifacts {
    record Artifact(String version, Path dir, String sha256) {}

    private TestArtifacts() {}

    /** Saves a version into {@code models/<version>}; each call gets another head, so other scores. */
    static Artifact save(Path models, String version, List<String> labels) throws IOException {
        Path dir = models.resolve(version);
        try (ClassifierModel m = ModelLoader.loadBundled(ModelOverrides.NONE.withLabels(labels).withVersion(version), Device.cpu())) {
            return new Artifact(version, dir, ModelArtifact.save(m, dir, null));
        }
    }

    /** An unsigned update of model "triage" (sign it with {@link KafkaFixture#TRAINER}). */
    static ModelUpdate update(String version, String uri, String sha256, List<String> labels) {
        return ModelUpdate.newBuilder().setModelName("triage").setVersion(version).setArtifactUri(uri)
                .setSha256(sha256).setLabels(labels).setMetrics(Map.of()).setTrainingMode(TrainingMode.HEAD)
                .setCreatedAt(Instant.now()).build();
    }
}
