package io.triage.model.train;

import ai.djl.training.tracker.Tracker;

/**
 * The learning-rate schedule of BERT fine-tuning: linear warm-up from 0 to the peak over the first steps,
 * then linear decay to 0 at the last step. Step numbers count optimizer updates from 1.
 *
 * <p>{@code stepOffset} is added to DJL's update count so that a run resumed after {@code stepOffset} steps
 * continues the schedule where it stopped, while the optimizer's own counters (Adam's bias correction) start
 * again with its fresh moments.
 */
public final class LinearWarmupDecay implements Tracker {
    private final float peak;
    private final int warmupSteps;
    private final int totalSteps;
    private final int stepOffset;

    public LinearWarmupDecay(float peak, int warmupSteps, int totalSteps, int stepOffset) {
        if (totalSteps < 1 || warmupSteps < 0 || warmupSteps > totalSteps || stepOffset < 0) {
            throw new IllegalArgumentException("invalid schedule: warm-up " + warmupSteps + " of " + totalSteps
                    + " steps, offset " + stepOffset);
        }
        this.peak = peak;
        this.warmupSteps = warmupSteps;
        this.totalSteps = totalSteps;
        this.stepOffset = stepOffset;
    }

    /** Warm-up over {@code ratio} of the steps, rounded up (so any positive ratio warms up at least one step). */
    public static LinearWarmupDecay of(float peak, double warmupRatio, int totalSteps, int stepOffset) {
        return new LinearWarmupDecay(peak, (int) Math.ceil(warmupRatio * totalSteps), totalSteps, stepOffset);
    }

    /** The rate of the {@code step}-th update (from 1). */
    public float at(int step) {
        if (step <= warmupSteps && warmupSteps > 0) {
            return peak * step / warmupSteps;
        }
        return peak * Math.max(0, totalSteps - step) / (totalSteps - warmupSteps);
    }

    @Override
    public float getNewValue(int numUpdate) {
        return at(numUpdate + stepOffset);
    }
}
