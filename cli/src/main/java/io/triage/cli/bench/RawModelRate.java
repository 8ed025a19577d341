package io.triage.cli.bench;

import io.triage.model.text.TextInput;
import io.triage.stream.batch.ModelBatchClassifier;

import java.util.List;

/** Texts/s of a model alone, outside the stream, in batches of the stream app's size: what the app is held to. */
final class RawModelRate {
    private RawModelRate() {}

    /**
     * Classifies {@code warmUp}, then times {@code passes} passes over {@code texts}, each in batches of
     * {@code batchSize}.
     *
     * @return texts/s of the fastest pass: the best of a few, as a broker and registry that just started may
     *         still take CPU for their JIT
     */
    static double of(ModelBatchClassifier model, List<TextInput> texts, int batchSize, List<TextInput> warmUp,
                     int passes) {
        inBatches(model, warmUp, batchSize);
        double best = 0;
        for (int i = 0; i < passes; i++) {
            long start = System.nanoTime();
            inBatches(model, texts, batchSize);
            best = Math.max(best, texts.size() / ((System.nanoTime() - start) / 1e9));
        }
        return best;
    }

    private static void inBatches(ModelBatchClassifier model, List<TextInput> texts, int batchSize) {
        for (int i = 0; i < texts.size(); i += batchSize) {
            model.classify(texts.subList(i, Math.min(texts.size(), i + batchSize)));
        }
    }
}
