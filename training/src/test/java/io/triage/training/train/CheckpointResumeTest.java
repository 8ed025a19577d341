package io.triage.training.train;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.triage.model.ClassifierModel;
import io.triage.model.config.ModelOverrides;
import io.triage.model.infer.Precision;
import io.triage.model.infer.TextClassifier;
import io.triage.model.io.ModelArtifact;
import io.triage.model.io.ModelLoader;
import io.triage.model.io.SafetensorsWeights;
import io.triage.model.train.TrainingMode;
import io.triage.training.data.Dataset;
import io.triage.training.eval.EpochMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A run that crashes after epoch 1 resumes from its checkpoint: weights restored, epochs continue, artifact loads. */
class CheckpointResumeTest {
    private static final String HEAD_WEIGHT = "classifier.out_proj.weight";
    /** The same tensor in a checkpoint's file, named as BertForSequenceClassification names it. */
    private static final String HEAD_WEIGHT_IN_FILE = "classifier.weight";

    private static final class SimulatedCrash extends RuntimeException {
        SimulatedCrash() {
            super("simulated crash after the epoch-1 checkpoint");
        }
    }

    @Test
    void resumesFromTheLatestCompleteCheckpoint(@TempDir Path out) throws Exception {
        Dataset train = PhraseData.sample(96, 1);
        Dataset validation = PhraseData.sample(30, 2);
        Path checkpoints = out.resolve("checkpoints");
        TrainingSettings options = TrainingSettings.defaults(TrainingMode.HEAD).withEpochs(2).withCheckpoints(checkpoints, false);

        List<EpochMetrics> crashedHistory = new ArrayList<>();
        try (ClassifierModel model = load()) {
            assertThrows(SimulatedCrash.class, () -> FineTuner.run(model, train, validation, options, new TrainingListener() {
                @Override
                public void onEpochEnd(EpochMetrics metrics) {
                    crashedHistory.add(metrics);
                }

                @Override
                public void onCheckpoint(int epoch, Path dir) {
                    throw new SimulatedCrash();
                }
            }));
        }
        assertEquals(1, crashedHistory.size());
        assertTrue(Files.isRegularFile(checkpoints.resolve("epoch-1.state.json")));
        assertTrue(Files.isRegularFile(checkpoints.resolve("epoch-1/metrics.json")));
        float[] checkpointHead = tensor(checkpoints.resolve("epoch-1/model.safetensors"), HEAD_WEIGHT_IN_FILE);

        List<Integer> epochsStarted = new ArrayList<>();
        float[][] headAtResume = new float[1][];
        try (ClassifierModel model = load()) {
            assertFalse(Arrays.equals(checkpointHead, headWeights(model)), "a fresh head differs from the trained one");
            TrainingResult result = FineTuner.run(model, train, validation, options.withCheckpoints(checkpoints, true),
                    new TrainingListener() {
                        @Override
                        public void onEpochStart(int epoch, int epochs, int examples) {
                            epochsStarted.add(epoch);
                            headAtResume[0] = headWeights(model);
                        }
                    });
            assertEquals(List.of(2), epochsStarted, "only the missing epoch runs");
            assertArrayEquals(checkpointHead, headAtResume[0], "weights restored from the checkpoint");
            assertEquals(List.of(1, 2), result.history().stream().map(EpochMetrics::epoch).toList());
            assertEquals(crashedHistory.get(0), result.history().get(0), "epoch 1 as the crashed run recorded it");
            assertEquals(2, result.metrics().get("history").size());
            assertFalse(Files.exists(checkpoints.resolve("epoch-1")), "older checkpoints are removed");
            assertTrue(Files.isRegularFile(checkpoints.resolve("epoch-2.state.json")));

            Path artifact = out.resolve("model");
            ModelArtifact.save(model, artifact, result.metrics());
            try (TextClassifier loaded = TextClassifier.of(ModelLoader.loadFolder(artifact, ModelOverrides.NONE, Device.cpu()),
                    Precision.FP32)) {
                assertEquals(PhraseData.LABELS, loaded.model().config().labels());
                int[] predicted = loaded.classify(validation.inputs()).stream()
                        .mapToInt(c -> PhraseData.LABELS.indexOf(c.label())).toArray();
                assertArrayEquals(result.evaluation().predicted(), predicted, "the saved model predicts as the trained one");
            }
        }
    }

    private static ClassifierModel load() throws IOException {
        return ModelLoader.loadBundled(ModelOverrides.NONE.withLabels(PhraseData.LABELS).withMaxLength(32), Device.cpu());
    }

    private static float[] headWeights(ClassifierModel model) {
        return model.namedParameters().get(HEAD_WEIGHT).getArray().toFloatArray();
    }

    private static float[] tensor(Path safetensors, String name) throws IOException {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            return SafetensorsWeights.read(safetensors, manager).get(name).toFloatArray();
        }
    }
}
