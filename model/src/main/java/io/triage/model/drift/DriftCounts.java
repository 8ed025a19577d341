package io.triage.model.drift;

/**
 * Counts of classified inputs in the drift bins: by predicted label, by confidence and by token length. Not
 * thread-safe; callers synchronize.
 */
public final class DriftCounts {
    private final long[] labels;
    private final long[] confidence = new long[DriftBins.CONFIDENCE_BINS];
    private final long[] length = new long[DriftBins.LENGTH_BINS];
    private long total;

    public DriftCounts(int labelCount) {
        if (labelCount < 1) {
            throw new IllegalArgumentException("at least one label: " + labelCount);
        }
        this.labels = new long[labelCount];
    }

    /** Adds ({@code +1}) or removes ({@code -1}) one input: its label index, confidence bin and length bin. */
    public void add(int label, int confidenceBin, int lengthBin, int sign) {
        labels[label] += sign;
        confidence[confidenceBin] += sign;
        length[lengthBin] += sign;
        total += sign;
    }

    public long total() {
        return total;
    }

    public long[] labels() {
        return labels.clone();
    }

    public long[] confidence() {
        return confidence.clone();
    }

    public long[] length() {
        return length.clone();
    }
}
