package io.triage.model.infer;

import ai.djl.ndarray.NDManager;

/**
 * Where one {@link TextClassifier} call spends its time: each {@link #lap} charges the time since the previous one
 * to a stage. {@link #OFF} does nothing and reads no clock, so the plain inference path pays nothing for the hook.
 *
 * <p>One timer per call, on the calling thread. On a GPU the forward pass is asynchronous: its time shows up in the
 * copy-out, the first step that waits for it.
 */
public final class StageTimer {
    /** The timer of every unprofiled call. */
    public static final StageTimer OFF = new StageTimer(false);

    private final boolean on;
    private final long[] nanos = new long[InferenceStage.values().length];
    private long mark;
    private int liveArrays = -1;

    private StageTimer(boolean on) {
        this.on = on;
    }

    /** A fresh timer for one call. */
    public static StageTimer start() {
        StageTimer timer = new StageTimer(true);
        timer.mark = System.nanoTime();
        return timer;
    }

    /** Charges the time since the last lap (or the start) to {@code stage}; stages may be charged more than once. */
    void lap(InferenceStage stage) {
        if (on) {
            long now = System.nanoTime();
            nanos[stage.ordinal()] += now - mark;
            mark = now;
        }
    }

    /**
     * Counts the NDArrays a forward pass's {@code scope} holds just before it closes (summed over the call's passes);
     * the count's own time is charged to no stage. An unprofiled call does not walk the scope at all.
     */
    void countArrays(NDManager scope) {
        if (on) {
            liveArrays = Math.max(liveArrays, 0) + scope.getManagedArrays().size();
            mark = System.nanoTime();
        }
    }

    /** A timer for one sub-batch of this call run on another thread: off when this one is, else fresh. */
    StageTimer forPart() {
        return on ? start() : OFF;
    }

    /** Adds the NDArrays counted by {@code part}, the timer of a sub-batch run on another thread for this call. */
    void addArrays(StageTimer part) {
        if (on && part.liveArrays >= 0) {
            liveArrays = Math.max(liveArrays, 0) + part.liveArrays;
        }
    }

    public long nanos(InferenceStage stage) {
        return nanos[stage.ordinal()];
    }

    /** The sum of all stages: the call's time, less what {@link #countArrays} left out. */
    public long totalNanos() {
        long total = 0;
        for (long n : nanos) {
            total += n;
        }
        return total;
    }

    /** NDArrays the call created and freed, or -1 when it ran no forward pass. */
    public int liveArrays() {
        return liveArrays;
    }
}
