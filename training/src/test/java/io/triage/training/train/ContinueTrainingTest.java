package io.triage.training.train;

import ai.djl.Device;
import io.triage.model.ClassifierModel;
import io.triage.model.config.ModelOverrides;
import io.triage.model.io.ModelArtifact;
import io.triage.model.io.ModelLoader;
import io.triage.model.train.TrainingMode;
import io.triage.training.data.Dataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A saved version can be trained further: it starts from its own head, and the new metrics name their parent. */
class ContinueTrainingTest {
    private static final String HEAD_WEIGHT = "classifier.dense.weight";

    @Test
    void trainsOnFromASavedArtifact(@TempDir Path out) throws Exception {
        Dataset train = PhraseData.sample(96, 3);
        Dataset validation = PhraseData.sample(30, 4);
        TrainingSettings options = TrainingSettings.defaults(TrainingMode.HEAD).withEpochs(3);
        float[] trainedHead;
        double firstLoss;
        try (ClassifierModel model = ModelLoader.loadBundled(
                new ModelOverrides("phrases", "v1", PhraseData.LABELS, null, 32), Device.cpu())) {
            TrainingResult first = FineTuner.run(model, train, validation, options, TrainingListener.NONE);
            firstLoss = first.history().get(2).valLoss();
            ModelArtifact.save(model, out.resolve("v1"), first.metrics());
            trainedHead = model.namedParameters().get(HEAD_WEIGHT).getArray().toFloatArray();
        }
        try (ClassifierModel model = ModelLoader.loadFolder(out.resolve("v1"), ModelOverrides.NONE.withVersion("v2"), Device.cpu())) {
            assertArrayEquals(trainedHead, model.namedParameters().get(HEAD_WEIGHT).getArray().toFloatArray());
            float[] before = model.namedParameters().get(HEAD_WEIGHT).getArray().toFloatArray();
            TrainingResult next = FineTuner.run(model, train, validation, options.withParentVersion("v1"), TrainingListener.NONE);
            assertEquals("v2", next.metrics().get("model").get("version").asText());
            assertEquals("v1", next.metrics().get("model").get("parent_version").asText());
            assertFalse(java.util.Arrays.equals(before, model.namedParameters().get(HEAD_WEIGHT).getArray().toFloatArray()));
            assertTrue(next.history().get(0).valLoss() < 1.02 * firstLoss,
                    "continued training starts near where the first run ended, not from an untrained head: "
                            + next.history().get(0).valLoss() + " vs " + firstLoss);
        }
    }
}
