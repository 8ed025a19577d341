package io.triage.model.gpucheck;

import ai.djl.Device;
import ai.djl.training.tracker.Tracker;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.triage.model.ClassifierModel;
import io.triage.model.config.ModelOverrides;
import io.triage.model.io.ModelLoader;
import io.triage.model.text.EncodedBatch;
import io.triage.model.train.ClassifierTraining;
import io.triage.model.train.TrainingMode;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;

/**
 * Full fine-tuning speed ({@link TrainingMode#FULL}: encoder and head learn) through the trainer's own step —
 * forward, backward, gradient clipping, AdamW — on random batches: examples/s at the given batch size.
 */
final class TrainingBench {
    static final String SECTION = "training";
    private static final int WARM_UP_STEPS = 2;
    private static final int MIN_STEPS = 3;

    private TrainingBench() {}

    static void run(ModelShape shape, Path artifact, Device device, int batchSize, int seqLen, double seconds,
            Deadline budget, CheckReport report) throws IOException {
        ObjectNode row = report.section(SECTION).putObject(shape.id());
        EncodedBatch batch = ModelShape.randomBatch(batchSize, seqLen, 99);
        int[] labels = new Random(5).ints(batchSize, 0, ModelShape.LABELS.size()).toArray();
        try (ClassifierModel model = ModelLoader.loadFolder(artifact, ModelOverrides.NONE, device);
                ClassifierTraining training = new ClassifierTraining(model, TrainingMode.FULL, Tracker.fixed(2e-5f),
                        Tracker.fixed(1e-3f), 0.01f, 1f)) {
            float firstLoss = training.step(batch, labels);
            for (int i = 1; i < WARM_UP_STEPS; i++) {
                training.step(batch, labels);
            }
            int steps = 0;
            int skipped = 0;
            float loss = firstLoss;
            long start = System.nanoTime();
            while (steps < MIN_STEPS || ((System.nanoTime() - start) / 1e9 < seconds && budget.allows(0))) {
                loss = training.step(batch, labels);
                skipped += training.lastStepSkipped() ? 1 : 0;
                steps++;
            }
            // the last update runs asynchronously on a GPU: reading a weight waits for it
            model.namedParameters().values().iterator().next().getArray().toFloatArray();
            double elapsed = (System.nanoTime() - start) / 1e9;
            double examplesPerSecond = batchSize * steps / elapsed;
            double tflops = 3.0 * shape.forwardFlops(batchSize, seqLen) * steps / elapsed / 1e12;
            row.put("mode", "full").put("batch", batchSize).put("seq_len", seqLen).put("steps", steps)
                    .put("examples_per_s", examplesPerSecond).put("ms_per_step", 1000 * elapsed / steps)
                    .put("tflops_estimate", tflops).put("first_loss", firstLoss).put("last_loss", loss)
                    .put("skipped_steps", skipped);
            report.figure(SECTION, shape.id() + " full b" + batchSize + " examples/s", examplesPerSecond, "1/s");
            report.figure(SECTION, shape.id() + " full b" + batchSize + " TFLOP/s (3x forward)", tflops, "TFLOP/s");
            System.out.printf(Locale.ROOT, "training %s full, batch %d x %d tokens: %.1f examples/s, %.1f ms/step,"
                    + " loss %.4f -> %.4f%n", shape.id(), batchSize, seqLen, examplesPerSecond, 1000 * elapsed / steps,
                    firstLoss, loss);
        }
        report.flush();
    }
}
