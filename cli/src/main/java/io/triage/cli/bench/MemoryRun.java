package io.triage.cli.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.triage.model.bench.ProcessMemory;
import io.triage.model.infer.TextClassifier;
import io.triage.model.text.TextInput;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The leak check of {@code bench model}: many classifications on one classifier, cycling through the texts in
 * batches (so the padded lengths vary as in serving), with resident memory and the NDArrays alive in each DJL
 * engine sampled at regular intervals over the run, not just at its start and end. Both engines' root managers are
 * counted, so an array left behind anywhere in the process shows, whichever engine serves.
 */
final class MemoryRun implements AutoCloseable {
    private final NDManager pytorchProbe = NDManager.newBaseManager(Device.cpu(), "PyTorch");
    private final NDManager onnxRuntimeProbe = NDManager.newBaseManager(Device.cpu(), "OnnxRuntime");

    /** One sample: taken between calls, so no call's temporaries count. */
    record Sample(long classified, double seconds, long rssMb, long heapUsedMb, int pytorchArrays, int ortArrays) {}

    /**
     * Runs {@code classifications} classifications in batches of {@code batchSize}, or fewer if {@code limit}
     * (zero: none) runs out first, sampling every {@code sampleEvery} and once more at the end; prints each sample
     * as it is taken.
     */
    List<Sample> run(TextClassifier classifier, List<TextInput> texts, int batchSize, long classifications,
                     long sampleEvery, Duration limit) throws IOException {
        List<List<TextInput>> batches = new ArrayList<>();
        for (int from = 0; from < texts.size(); from += batchSize) {
            batches.add(texts.subList(from, Math.min(texts.size(), from + batchSize)));
        }
        batches.forEach(classifier::classify); // one warm pass over every batch shape before the first sample
        System.out.printf(Locale.ROOT, "%14s %8s %8s %8s %14s %14s%n", "classified", "seconds", "RSS MB", "heap MB",
                "PyTorch arrays", "ORT arrays");
        List<Sample> samples = new ArrayList<>();
        long start = System.nanoTime();
        long deadline = limit.isZero() ? Long.MAX_VALUE : start + limit.toNanos();
        long done = 0;
        long nextSample = 0;
        for (int call = 0; done < classifications && System.nanoTime() < deadline; call++) {
            if (done >= nextSample) {
                samples.add(print(sample(done, start)));
                nextSample += sampleEvery;
            }
            done += classifier.classify(batches.get(call % batches.size())).size();
        }
        samples.add(print(sample(done, start)));
        if (done < classifications) {
            System.out.printf(Locale.ROOT, "stopped by the time limit (%s) at %,d of %,d classifications%n", limit,
                    done, classifications);
        }
        return samples;
    }

    private Sample sample(long done, long start) throws IOException {
        Runtime jvm = Runtime.getRuntime();
        return new Sample(done, (System.nanoTime() - start) / 1e9, ProcessMemory.residentMb(),
                (jvm.totalMemory() - jvm.freeMemory()) >> 20, arrays(pytorchProbe), arrays(onnxRuntimeProbe));
    }

    /** Every array below the engine's root manager, the probe's own parent. */
    private static int arrays(NDManager probe) {
        return probe.getParentManager().getManagedArrays().size();
    }

    private static Sample print(Sample s) {
        System.out.printf(Locale.ROOT, "%,14d %8.0f %8d %8d %14d %14d%n", s.classified(), s.seconds(), s.rssMb(),
                s.heapUsedMb(), s.pytorchArrays(), s.ortArrays());
        return s;
    }

    @Override
    public void close() {
        pytorchProbe.close();
        onnxRuntimeProbe.close();
    }

    /**
     * Whether a run's samples are flat after warm-up: the samples from {@code warmupFraction} of the run on, the
     * least-squares slope of resident memory per 10,000 classifications at most {@code rssBoundMbPer10k}, and every
     * engine's live-array count exactly the same in all of them (a leaked array is never freed later).
     */
    record Verdict(int samples, double rssSlopeMbPer10k, long rssMinMb, long rssMaxMb, int arraysMin, int arraysMax,
                   double rssBoundMbPer10k) {

        static Verdict of(List<Sample> all, double warmupFraction, double rssBoundMbPer10k) {
            long last = all.get(all.size() - 1).classified();
            List<Sample> after = all.stream().filter(s -> s.classified() >= warmupFraction * last).toList();
            if (after.size() < 3) {
                throw new IllegalArgumentException("a verdict needs at least 3 samples after warm-up, not "
                        + after.size() + ": sample more often or run longer");
            }
            double[] x = after.stream().mapToDouble(s -> s.classified() / 10_000.0).toArray();
            double[] y = after.stream().mapToDouble(Sample::rssMb).toArray();
            return new Verdict(after.size(), slope(x, y),
                    after.stream().mapToLong(Sample::rssMb).min().orElseThrow(),
                    after.stream().mapToLong(Sample::rssMb).max().orElseThrow(),
                    after.stream().mapToInt(s -> s.pytorchArrays() + s.ortArrays()).min().orElseThrow(),
                    after.stream().mapToInt(s -> s.pytorchArrays() + s.ortArrays()).max().orElseThrow(),
                    rssBoundMbPer10k);
        }

        boolean flat() {
            return arraysMin == arraysMax && rssSlopeMbPer10k <= rssBoundMbPer10k;
        }

        String line() {
            return String.format(Locale.ROOT, "verdict: %s — over the %d samples after warm-up, RSS %+.2f MB per "
                            + "10k classifications (bound %.1f; range %d–%d MB), live arrays %d–%d (must not change)",
                    flat() ? "FLAT" : "LEAKS", samples, rssSlopeMbPer10k, rssBoundMbPer10k, rssMinMb, rssMaxMb,
                    arraysMin, arraysMax);
        }

        /** The least-squares slope of y over x. */
        static double slope(double[] x, double[] y) {
            double mx = 0;
            double my = 0;
            for (int i = 0; i < x.length; i++) {
                mx += x[i] / x.length;
                my += y[i] / y.length;
            }
            double sxy = 0;
            double sxx = 0;
            for (int i = 0; i < x.length; i++) {
                sxy += (x[i] - mx) * (y[i] - my);
                sxx += (x[i] - mx) * (x[i] - mx);
            }
            return sxx == 0 ? 0 : sxy / sxx;
        }
    }
}
