package io.triage.training.train;

import ai.djl.Device;
import io.triage.model.ClassifierModel;
import io.triage.model.config.ModelOverrides;
import io.triage.model.io.ModelLoader;
import io.triage.model.train.TrainingMode;
import io.triage.training.data.Dataset;
import io.triage.training.eval.EpochMetrics;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Training on a few hundred emotion examples learns: the loss falls and validation beats the majority baseline. */
class FineTunerLearningTest {

    @Test
    void headModeLearnsOnCachedFeatures() throws Exception {
        Dataset train = EmotionSample.train(300);
        Dataset validation = EmotionSample.validation(200);
        TrainingSettings options = TrainingSettings.defaults(TrainingMode.HEAD).withEpochs(15);
        List<Integer> featureProgress = new ArrayList<>();
        try (ClassifierModel model = load()) {
            TrainingResult result = FineTuner.run(model, train, validation, options, new TrainingListener() {
                @Override
                public void onFeatureExtraction(int done, int total) {
                    featureProgress.add(done);
                }
            });
            List<EpochMetrics> history = result.history();
            assertEquals(15, history.size());
            assertEquals(500, featureProgress.get(featureProgress.size() - 1), "train and validation features, once");
            assertTrue(history.get(14).trainLoss() < 0.8 * history.get(0).trainLoss(), "train loss did not fall: " + history);
            assertTrue(history.get(14).valLoss() < history.get(0).valLoss(), "validation loss did not fall: " + history);
            double baseline = result.metrics().get("validation").get("baseline").get("accuracy").asDouble();
            assertTrue(history.get(14).valAccuracy() > baseline + 0.05,
                    "accuracy " + history.get(14).valAccuracy() + " vs most-frequent baseline " + baseline);
            assertEquals(200, result.validationFeatures().length);
            assertEquals(model.config().encoder().hiddenSize(), result.validationFeatures()[0].length);
        }
    }

    @Test
    void fullModeLearnsInOneEpoch() throws Exception {
        // two classes keep one short epoch enough to learn something while the encoder itself trains
        Dataset train = EmotionSample.joyOrSadness(EmotionSample.train(400), 192);
        Dataset validation = EmotionSample.joyOrSadness(EmotionSample.validation(300), 100);
        // 12 steps instead of the recipe's hundreds: an encoder rate above 2e-5 lets them show learning
        TrainingSettings options = TrainingSettings.defaults(TrainingMode.FULL).withEpochs(1).withBatchSize(16)
                .withLearningRate(1e-4);
        List<Float> losses = new ArrayList<>();
        try (ClassifierModel model = ModelLoader.loadBundled(ModelOverrides.NONE.withLabels(train.labels()), Device.cpu())) {
            float[] before = model.namedParameters().get("encoder.layer.0.attention.self.query.weight").getArray().toFloatArray();
            TrainingResult result = FineTuner.run(model, train, validation, options, new TrainingListener() {
                @Override
                public void onBatch(int epoch, int examplesDone, float loss) {
                    losses.add(loss);
                }
            });
            assertEquals(12, losses.size());
            assertTrue(mean(losses.subList(6, 12)) < 0.9 * mean(losses.subList(0, 6)), "loss did not fall: " + losses);
            assertTrue(result.history().get(0).valLoss() < 0.8 * Math.log(2),
                    "validation loss not clearly below an untrained head's ln 2: " + result.history());
            double accuracy = result.history().get(0).valAccuracy();
            double baseline = result.metrics().get("validation").get("baseline").get("accuracy").asDouble();
            assertTrue(accuracy > baseline + 0.1, "accuracy " + accuracy + " vs most-frequent baseline " + baseline);
            float[] after = model.namedParameters().get("encoder.layer.0.attention.self.query.weight").getArray().toFloatArray();
            assertFalse(Arrays.equals(before, after), "full mode must move the encoder");
        }
    }

    static ClassifierModel load() throws Exception {
        return ModelLoader.loadBundled(ModelOverrides.NONE.withLabels(EmotionSample.LABELS), Device.cpu());
    }

    private static double mean(List<Float> values) {
        return values.stream().mapToDouble(Float::doubleValue).average().orElseThrow();
    }
}
