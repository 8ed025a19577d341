package io.triage.model.gpucheck;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.triage.model.bench.Percentiles;
import io.triage.model.infer.TextClassifier;
import io.triage.model.text.EncodedBatch;

import java.util.Arrays;
import java.util.Locale;

/**
 * Forward passes through {@link TextClassifier#probabilities} — inputs copied to the device, scores copied back,
 * as the stream app runs them — on batches of random tokens of one fixed length, so that the figures compare
 * with a Python benchmark of the same shapes: sentences/s, latency p50/p99, TFLOP/s, and the first call's
 * latency at each new batch shape (what a service pays when traffic brings a new size).
 */
final class ThroughputBench {
    static final String SECTION = "throughput";
    static final String FIRST_CALL_SECTION = "first_call";
    private static final int MIN_PASSES = 3;
    private static final int MAX_PASSES = 2000;
    private static final int WARM_UP_PASSES = 2;

    private ThroughputBench() {}

    /** One row per batch size, until the budget runs out. */
    static void rows(ModelShape shape, String precision, TextClassifier classifier, int[] batches, int seqLen,
            double rowSeconds, Deadline budget, CheckReport report) {
        ObjectNode section = report.section(SECTION);
        ArrayNode rows = section.withArrayProperty("rows");
        double lastPassSeconds = 0;
        int lastBatch = 1;
        for (int batch : batches) {
            double predictedPass = lastPassSeconds * batch / lastBatch;
            if (!budget.allows(rowSeconds + (1 + WARM_UP_PASSES + MIN_PASSES) * predictedPass)) {
                String what = shape.id() + " " + precision + " batch " + batch;
                section.withArrayProperty("skipped_rows").add(what);
                report.fact(SECTION, what, "skipped: time budget");
                report.flush();
                continue;
            }
            EncodedBatch input = ModelShape.randomBatch(batch, seqLen, 31L * batch + seqLen);
            double firstMs;
            long[] latencies;
            try {
                long start = System.nanoTime();
                classifier.probabilities(input);
                firstMs = (System.nanoTime() - start) / 1e6;
                for (int i = 0; i < WARM_UP_PASSES; i++) {
                    classifier.probabilities(input);
                }
                latencies = timedPasses(classifier, input, rowSeconds, budget);
            } catch (RuntimeException e) { // out of device memory, say: larger batches would fail the same way
                String what = shape.id() + " " + precision + " batch " + batch;
                rows.addObject().put("model", shape.id()).put("precision", precision).put("batch", batch)
                        .put("error", String.valueOf(e));
                report.fact(SECTION, what + " error", String.valueOf(e));
                report.flush();
                break;
            }
            double totalSeconds = Arrays.stream(latencies).sum() / 1e9;
            double meanSeconds = totalSeconds / latencies.length;
            double sentencesPerSecond = batch * latencies.length / totalSeconds;
            double tflops = shape.forwardFlops(batch, seqLen) / meanSeconds / 1e12;
            double p50 = Percentiles.of(latencies, 50) / 1e6;
            double p99 = Percentiles.of(latencies, 99) / 1e6;
            rows.addObject().put("model", shape.id()).put("precision", precision).put("batch", batch)
                    .put("seq_len", seqLen).put("first_call_ms", firstMs).put("passes", latencies.length)
                    .put("sentences_per_s", sentencesPerSecond).put("p50_ms", p50).put("p99_ms", p99)
                    .put("tflops", tflops);
            String key = String.format(Locale.ROOT, "%s %s b%d s%d", shape.id(), precision, batch, seqLen);
            report.figure(SECTION, key + " sentences/s", sentencesPerSecond, "1/s");
            report.figure(SECTION, key + " p50", p50, "ms");
            report.figure(SECTION, key + " p99", p99, "ms");
            report.figure(SECTION, key + " TFLOP/s", tflops, "TFLOP/s");
            report.figure(SECTION, key + " first call", firstMs, "ms");
            System.out.printf(Locale.ROOT, "throughput %-28s %10.1f sentences/s  p50 %8.2f ms  p99 %8.2f ms"
                    + "  %7.2f TFLOP/s  first call %8.1f ms%n", key, sentencesPerSecond, p50, p99, tflops, firstMs);
            report.flush();
            lastPassSeconds = meanSeconds;
            lastBatch = batch;
        }
    }

    /**
     * The first and second call at each new sequence length (batch {@code batch}): the gap is what a new shape
     * costs once (kernel selection, allocator growth) on top of the steady-state pass.
     */
    static void firstCalls(ModelShape shape, String precision, TextClassifier classifier, int batch, int[] seqLens,
            Deadline budget, CheckReport report) {
        ArrayNode rows = report.section(FIRST_CALL_SECTION).putArray("rows");
        for (int seqLen : seqLens) {
            if (!budget.allows(1)) {
                report.skipped(FIRST_CALL_SECTION, "time budget, from sequence length " + seqLen);
                return;
            }
            EncodedBatch input = ModelShape.randomBatch(batch, seqLen, 7L * seqLen);
            long t0 = System.nanoTime();
            classifier.probabilities(input);
            long t1 = System.nanoTime();
            classifier.probabilities(input);
            long t2 = System.nanoTime();
            double first = (t1 - t0) / 1e6;
            double second = (t2 - t1) / 1e6;
            rows.addObject().put("model", shape.id()).put("precision", precision).put("batch", batch)
                    .put("seq_len", seqLen).put("first_ms", first).put("second_ms", second);
            String key = String.format(Locale.ROOT, "%s %s b%d s%d", shape.id(), precision, batch, seqLen);
            report.figure(FIRST_CALL_SECTION, key + " first call", first, "ms");
            report.figure(FIRST_CALL_SECTION, key + " second call", second, "ms");
            report.flush();
        }
    }

    /** Per-pass latencies in ns: at least {@link #MIN_PASSES}, then until {@code seconds} have passed. */
    private static long[] timedPasses(TextClassifier classifier, EncodedBatch input, double seconds, Deadline budget) {
        long[] latencies = new long[MAX_PASSES];
        int n = 0;
        long begin = System.nanoTime();
        while (n < MAX_PASSES && (n < MIN_PASSES || ((System.nanoTime() - begin) / 1e9 < seconds && budget.allows(0)))) {
            long start = System.nanoTime();
            classifier.probabilities(input);
            latencies[n++] = System.nanoTime() - start;
        }
        return Arrays.copyOf(latencies, n);
    }
}
