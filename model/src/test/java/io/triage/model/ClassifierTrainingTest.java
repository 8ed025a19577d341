package io.triage.model;

import ai.djl.Device;
import ai.djl.training.tracker.Tracker;
import io.triage.model.config.ModelOverrides;
import io.triage.model.io.ModelLoader;
import io.triage.model.text.TextInput;
import io.triage.model.train.ClassifierTraining;
import io.triage.model.train.TrainingMode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A few gradient steps on a small, learnable task lower the loss, and each mode trains what it should. */
class ClassifierTrainingTest {
    static final String[] SUBJECTS = {"the delivery", "my order", "the support team", "the new app", "the hotel room",
        "this update", "the checkout", "our meal"};
    static final String[][] CLASS_PHRASES = {
        {"was terrible and broken", "made me furious", "is the worst i have seen", "failed again and again"},
        {"was wonderful", "made my day", "is absolutely fantastic", "worked perfectly, thank you"},
        {"- when will it arrive?", "- how do i change it?", "- is it available on monday?", "- who should i ask?"}};

    @Test
    void fullFineTuningLowersLossAndMovesTheEncoder() throws Exception {
        float[] losses = train(TrainingMode.FULL, 2e-4f, 12, encoderChanged -> assertTrue(encoderChanged));
        assertTrue(mean(losses, 8, 12) < 0.6 * mean(losses, 0, 2), "loss did not fall: " + java.util.Arrays.toString(losses));
    }

    @Test
    void headModeLowersLossWithTheEncoderFrozen() throws Exception {
        float[] losses = train(TrainingMode.HEAD, 2e-3f, 12, encoderChanged -> assertFalse(encoderChanged));
        assertTrue(mean(losses, 8, 12) < 0.8 * mean(losses, 0, 2), "loss did not fall: " + java.util.Arrays.toString(losses));
    }

    interface EncoderCheck {
        void check(boolean encoderChanged);
    }

    private static float[] train(TrainingMode mode, float lr, int steps, EncoderCheck check) throws Exception {
        Random random = new Random(1);
        ModelOverrides o = ModelOverrides.NONE.withLabels(List.of("complaint", "praise", "question")).withMaxLength(32);
        try (ClassifierModel model = ModelLoader.loadBundled(o, Device.cpu())) {
            float[] before = model.namedParameters().get("encoder.layer.0.attention.self.query.weight").getArray().toFloatArray();
            float[] losses = new float[steps];
            try (ClassifierTraining training = new ClassifierTraining(model, mode, Tracker.fixed(lr), 0.01f, 1.0f)) {
                for (int s = 0; s < steps; s++) {
                    List<TextInput> texts = new ArrayList<>();
                    int[] labels = new int[16];
                    for (int i = 0; i < labels.length; i++) {
                        labels[i] = random.nextInt(3);
                        String[] phrases = CLASS_PHRASES[labels[i]];
                        texts.add(TextInput.of(SUBJECTS[random.nextInt(SUBJECTS.length)] + " "
                                + phrases[random.nextInt(phrases.length)]));
                    }
                    losses[s] = training.step(texts, labels);
                }
            }
            float[] after = model.namedParameters().get("encoder.layer.0.attention.self.query.weight").getArray().toFloatArray();
            boolean changed;
            try {
                assertArrayEquals(before, after, 0f);
                changed = false;
            } catch (AssertionError e) {
                changed = true;
            }
            check.check(changed);
            return losses;
        }
    }

    private static double mean(float[] values, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += values[i];
        }
        return sum / (to - from);
    }
}
