package io.triage.cli.bench;

import io.triage.model.infer.InferenceStage;
import io.triage.model.infer.StageTimer;
import io.triage.model.infer.TextClassifier;
import io.triage.model.text.TextInput;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * Where a batch's time goes, stage by stage: each batch size's texts classified with a {@link StageTimer} per call,
 * then the mean and median milliseconds per call of every stage, one column per batch size.
 */
final class StageProfile {
    private final List<String> rowNames = new ArrayList<>();
    private final List<double[][]> columns = new ArrayList<>(); // per batch size: per row {mean, p50}
    private final List<Integer> batchSizes = new ArrayList<>();

    StageProfile() {
        for (InferenceStage stage : InferenceStage.values()) {
            rowNames.add(stage.label());
        }
        rowNames.add("total");
        rowNames.add("wall per call (incl. timer)");
        rowNames.add("NDArrays per call");
    }

    /** One warm-up pass, then {@code runs} timed passes over {@code texts} in batches of {@code batch}. */
    void measure(TextClassifier classifier, List<TextInput> texts, int batch, int runs) {
        List<List<TextInput>> batches = new ArrayList<>();
        for (int i = 0; i + batch <= texts.size(); i += batch) { // whole batches only: every call the same size
            batches.add(texts.subList(i, i + batch));
        }
        for (List<TextInput> b : batches) {
            classifier.classify(b, StageTimer.start());
        }
        List<StageTimer> timers = new ArrayList<>();
        List<Long> walls = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            for (List<TextInput> b : batches) {
                long start = System.nanoTime();
                StageTimer timer = StageTimer.start();
                classifier.classify(b, timer);
                walls.add(System.nanoTime() - start);
                timers.add(timer);
            }
        }
        InferenceStage[] stages = InferenceStage.values();
        double[][] column = new double[rowNames.size()][];
        for (InferenceStage stage : stages) {
            column[stage.ordinal()] = meanAndMedian(timers, t -> t.nanos(stage) / 1e6);
        }
        column[stages.length] = meanAndMedian(timers, t -> t.totalNanos() / 1e6);
        column[stages.length + 1] = meanAndMedian(walls, w -> w / 1e6);
        column[stages.length + 2] = meanAndMedian(timers, StageTimer::liveArrays);
        columns.add(column);
        batchSizes.add(batch);
    }

    void print() {
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-28s", "ms per call: mean / p50"));
        for (int batch : batchSizes) {
            header.append(String.format(Locale.ROOT, " | %15s", "batch " + batch));
        }
        System.out.println(header);
        for (int row = 0; row < rowNames.size(); row++) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-28s", rowNames.get(row)));
            for (double[][] column : columns) {
                line.append(String.format(Locale.ROOT, " | %6.3f / %6.3f", column[row][0], column[row][1]));
            }
            System.out.println(line);
        }
    }

    private static <T> double[] meanAndMedian(List<T> calls, ToDoubleFunction<T> value) {
        double[] values = calls.stream().mapToDouble(value).sorted().toArray();
        return new double[] {Arrays.stream(values).average().orElse(0), values.length == 0 ? 0 : values[values.length / 2]};
    }
}
