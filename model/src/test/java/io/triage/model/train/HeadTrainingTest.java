package io.triage.model.train;

import ai.djl.Device;
import ai.djl.training.tracker.Tracker;
import io.triage.model.ClassifierModel;
import io.triage.model.config.ModelOverrides;
import io.triage.model.io.ModelLoader;
import io.triage.model.text.EncodedBatch;
import io.triage.model.text.TextInput;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Cached features give the head exactly what a full pass gives it, and the head trains on them alone. */
class HeadTrainingTest {
    private static final List<TextInput> TEXTS = List.of(TextInput.of("the delivery was terrible"),
            TextInput.of("what a wonderful day, thank you"), TextInput.pair("is it open?", "yes, until nine"),
            TextInput.of("when will my order arrive?"));
    private static ClassifierModel model;

    @BeforeAll
    static void load() throws Exception {
        model = ModelLoader.loadBundled(ModelOverrides.NONE.withLabels(List.of("a", "b")).withMaxLength(32), Device.cpu());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void headOnCachedFeaturesEqualsTheFullForwardPass() {
        EncodedBatch batch = model.tokenizer().encodeBatch(TEXTS);
        try (EvaluationPass pass = new EvaluationPass(model)) {
            EvaluationPass.Outputs full = pass.run(batch);
            float[][] features = pass.features(batch);
            assertEquals(model.config().encoder().hiddenSize(), features[0].length);
            for (int i = 0; i < features.length; i++) {
                assertArrayEquals(full.features()[i], features[i], 1e-6f);
            }
            float[][] logits = pass.logits(flatten(features), features.length);
            for (int i = 0; i < logits.length; i++) {
                assertArrayEquals(full.logits()[i], logits[i], 1e-5f);
            }
        }
    }

    @Test
    void headStepsOnFeaturesLowerTheLossAndLeaveTheEncoderAlone() {
        float[] encoderBefore = encoderWeight();
        float[][] features;
        try (EvaluationPass pass = new EvaluationPass(model)) {
            features = pass.features(model.tokenizer().encodeBatch(TEXTS));
        }
        int[] labels = {0, 1, 1, 0};
        float first;
        float last = 0;
        try (ClassifierTraining training = new ClassifierTraining(model, TrainingMode.HEAD, Tracker.fixed(1e-2f), 0.01f, 1f)) {
            first = training.stepOnFeatures(flatten(features), labels);
            for (int s = 0; s < 30; s++) {
                last = training.stepOnFeatures(flatten(features), labels);
            }
            assertTrue(training.lastGradientNorm() > 0);
        }
        assertTrue(last < 0.5 * first, "loss " + first + " -> " + last);
        assertArrayEquals(encoderBefore, encoderWeight(), 0f);
    }

    @Test
    void aStepWithANonFiniteLossChangesNothing() {
        float[] headBefore = model.namedParameters().get("classifier.out_proj.weight").getArray().toFloatArray();
        int hidden = model.config().encoder().hiddenSize();
        float[] poisoned = new float[2 * hidden];
        poisoned[3] = Float.NaN;
        try (ClassifierTraining training = new ClassifierTraining(model, TrainingMode.HEAD, Tracker.fixed(1e-2f), 0.01f, 1f)) {
            assertTrue(Float.isNaN(training.stepOnFeatures(poisoned, new int[] {0, 1})));
            assertTrue(training.lastStepSkipped());
            assertArrayEquals(headBefore, model.namedParameters().get("classifier.out_proj.weight").getArray().toFloatArray(), 0f);
            float[] clean = new float[2 * hidden];
            clean[3] = 1f;
            assertTrue(Float.isFinite(training.stepOnFeatures(clean, new int[] {0, 1})));
            assertFalse(training.lastStepSkipped());
            assertTrue(Float.isFinite(training.lastGradientNorm()), "the skipped step's NaN gradients were not kept");
        }
    }

    @Test
    void fullModeRefusesCachedFeatures() {
        try (ClassifierTraining training = new ClassifierTraining(model, TrainingMode.FULL, Tracker.fixed(1e-5f), 0.01f, 1f)) {
            assertThrows(IllegalStateException.class, () -> training.stepOnFeatures(new float[384], new int[] {0}));
        }
    }

    private static float[] encoderWeight() {
        return model.namedParameters().get("encoder.layer.5.output.dense.weight").getArray().toFloatArray();
    }

    private static float[] flatten(float[][] rows) {
        float[] out = new float[rows.length * rows[0].length];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, out, i * rows[0].length, rows[0].length);
        }
        return out;
    }
}
