package io.triage.cli.bench;

import io.triage.cli.bench.LoadGenerator.Output;
import io.triage.model.bench.Percentiles;

import java.util.List;

/**
 * The results the app classified in the time window (fromMs, toMs]: their rate, end-to-end latency and the
 * longest stretch without any result (counted from the last result before the window, if there is one).
 */
final class OutputWindow {
    private final long fromMs;
    private final long toMs;
    private final long[] sortedLatenciesMs;
    private final long largestGapMs;

    private OutputWindow(long fromMs, long toMs, long[] sortedLatenciesMs, long largestGapMs) {
        this.fromMs = fromMs;
        this.toMs = toMs;
        this.sortedLatenciesMs = sortedLatenciesMs;
        this.largestGapMs = largestGapMs;
    }

    static OutputWindow of(long fromMs, long toMs, List<Output> all) {
        List<Output> in = all.stream().filter(o -> o.classifiedAtMs() > fromMs && o.classifiedAtMs() <= toMs).toList();
        long previous = all.stream().mapToLong(Output::classifiedAtMs).filter(t -> t <= fromMs).max().orElse(fromMs);
        long gap = 0;
        for (long t : in.stream().mapToLong(Output::classifiedAtMs).sorted().toArray()) {
            gap = Math.max(gap, t - previous);
            previous = t;
        }
        return new OutputWindow(fromMs, toMs, in.stream().mapToLong(Output::latencyMs).sorted().toArray(), gap);
    }

    double seconds() {
        return (toMs - fromMs) / 1000.0;
    }

    int count() {
        return sortedLatenciesMs.length;
    }

    double eventsPerSecond() {
        return count() / seconds();
    }

    long largestGapMs() {
        return largestGapMs;
    }

    /** The p-th percentile latency (nearest rank); NaN for an empty window. */
    double latencyPercentile(double p) {
        return Percentiles.ofSorted(sortedLatenciesMs, p);
    }
}
