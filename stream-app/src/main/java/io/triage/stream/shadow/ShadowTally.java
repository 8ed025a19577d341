package io.triage.stream.shadow;

import io.triage.model.infer.Classification;

import java.util.List;

/**
 * The running figures of one candidate on one instance: counts, not ratios, so the trainer can add up every
 * instance's (docs/guard-rails.md). Written by the shadow thread, read by the reporter: synchronized.
 */
public final class ShadowTally {
    private final List<String> labels;
    private long events;
    private long agreed;
    private long failures;
    private final long[] candidateLabels;
    private final long[] servingLabels;
    private double candidateConfidenceSum;

    /** A consistent copy of the counts. */
    public record Snapshot(List<String> labels, long events, long agreed, long failures, long[] candidateLabels,
                           long[] servingLabels, double candidateConfidenceSum) {}

    public ShadowTally(List<String> labels) {
        this.labels = List.copyOf(labels);
        this.candidateLabels = new long[labels.size()];
        this.servingLabels = new long[labels.size()];
    }

    /** One event both models saw; {@code candidate} null when the candidate failed on it. */
    public synchronized void add(Classification serving, Classification candidate) {
        if (serving == null) {
            return; // the serving model failed on it: nothing to compare against
        }
        int servingLabel = labels.indexOf(serving.label());
        if (servingLabel < 0) {
            return; // the serving model answered a label outside the candidate's set: not comparable
        }
        events++;
        servingLabels[servingLabel]++;
        int candidateLabel = candidate == null ? -1 : labels.indexOf(candidate.label());
        if (candidateLabel < 0 || Float.isNaN(candidate.score())) {
            failures++; // failed, answered no label it has, or scored NaN
            return;
        }
        candidateLabels[candidateLabel]++;
        candidateConfidenceSum += candidate.score();
        if (candidateLabel == servingLabel) {
            agreed++;
        }
    }

    public synchronized Snapshot snapshot() {
        return new Snapshot(labels, events, agreed, failures, candidateLabels.clone(), servingLabels.clone(),
                candidateConfidenceSum);
    }
}
