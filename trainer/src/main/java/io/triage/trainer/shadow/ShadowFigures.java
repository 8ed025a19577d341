package io.triage.trainer.shadow;

import java.util.List;

/**
 * What a shadow trial measured for a candidate version beside the serving one (docs/guard-rails.md): counts, not
 * ratios, so that the figures of every stream-app instance add up to the fleet's.
 *
 * @param labels the labels, in the order of the per-label counts
 * @param events events both models classified
 * @param agreed events where the candidate chose the serving model's label
 * @param failures events the candidate failed on (an exception, a NaN score)
 * @param candidateLabels per label, how often the candidate chose it
 * @param servingLabels per label, how often the serving model chose it
 * @param candidateConfidenceSum the sum of the candidate's winning probabilities
 */
public record ShadowFigures(List<String> labels, long events, long agreed, long failures, long[] candidateLabels,
                           long[] servingLabels, double candidateConfidenceSum) {
    public ShadowFigures {
        labels = List.copyOf(labels);
        if (candidateLabels.length != labels.size() || servingLabels.length != labels.size()) {
            throw new IllegalArgumentException("one count per label: " + labels);
        }
        if (events < 0 || agreed < 0 || agreed > events || failures < 0) {
            throw new IllegalArgumentException("inconsistent counts: " + events + " events, " + agreed + " agreed, "
                    + failures + " failures");
        }
    }

    public static ShadowFigures none(List<String> labels) {
        return new ShadowFigures(labels, 0, 0, 0, new long[labels.size()], new long[labels.size()], 0);
    }

    /** The figures of two instances together (same candidate, same labels). */
    public ShadowFigures plus(ShadowFigures other) {
        if (!labels.equals(other.labels)) {
            throw new IllegalArgumentException("figures of other labels: " + other.labels + " vs " + labels);
        }
        long[] candidate = candidateLabels.clone();
        long[] serving = servingLabels.clone();
        for (int i = 0; i < candidate.length; i++) {
            candidate[i] += other.candidateLabels[i];
            serving[i] += other.servingLabels[i];
        }
        return new ShadowFigures(labels, events + other.events, agreed + other.agreed, failures + other.failures,
                candidate, serving, candidateConfidenceSum + other.candidateConfidenceSum);
    }

    public double agreement() {
        return events == 0 ? Double.NaN : (double) agreed / events;
    }

    public double meanConfidence() {
        return events == 0 ? Double.NaN : candidateConfidenceSum / events;
    }

    static double share(long[] counts, int label) {
        long total = 0;
        for (long c : counts) {
            total += c;
        }
        return total == 0 ? 0 : (double) counts[label] / total;
    }
}
