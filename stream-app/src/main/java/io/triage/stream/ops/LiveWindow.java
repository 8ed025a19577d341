package io.triage.stream.ops;

import io.triage.model.drift.DriftBins;
import io.triage.model.drift.DriftCounts;
import io.triage.model.drift.Psi;
import io.triage.model.drift.ReferenceProfile;

/**
 * The last {@code size} events one version classified, counted in the drift bins, against that version's
 * reference. Adding an event to a full window drops the oldest, so the counts always describe the window.
 */
final class LiveWindow {
    enum Kind { LABEL, CONFIDENCE, LENGTH }

    private final ReferenceProfile reference;
    private final int minEvents;
    private final double epsilon;
    private final DriftCounts counts;
    /** The window's events as bins, oldest at {@code next} once full: label, confidence bin, length bin. */
    private final int[][] ring;
    private int next;
    private int size;

    LiveWindow(ReferenceProfile reference, DriftSettings settings) {
        this.reference = reference;
        this.minEvents = settings.minEvents();
        this.epsilon = settings.epsilon();
        this.counts = new DriftCounts(reference.labels().size());
        this.ring = new int[settings.windowEvents()][];
    }

    /** Adds one classified event; one with a label the reference lacks or no token count is left out. */
    synchronized void add(String label, double confidence, int tokens) {
        int labelIndex = reference.labels().indexOf(label);
        if (labelIndex < 0 || tokens < 0) {
            return;
        }
        int[] bins = {labelIndex, DriftBins.confidence(confidence), DriftBins.length(tokens)};
        if (size == ring.length) {
            int[] oldest = ring[next];
            counts.add(oldest[0], oldest[1], oldest[2], -1);
        } else {
            size++;
        }
        ring[next] = bins;
        next = (next + 1) % ring.length;
        counts.add(bins[0], bins[1], bins[2], 1);
    }

    /** The PSI of the window against the reference, or NaN while the window holds fewer than the minimum. */
    synchronized double psi(Kind kind) {
        if (size < minEvents) {
            return Double.NaN;
        }
        return switch (kind) {
            case LABEL -> Psi.of(reference.labelShares(), Psi.shares(counts.labels()), epsilon);
            case CONFIDENCE -> Psi.of(reference.confidenceShares(), Psi.shares(counts.confidence()), epsilon);
            case LENGTH -> Psi.of(reference.lengthShares(), Psi.shares(counts.length()), epsilon);
        };
    }

    synchronized int size() {
        return size;
    }
}
