package io.triage.training.train;

import ai.djl.engine.Engine;

/**
 * Seeds PyTorch's random generator, which draws a fresh head's weights and the dropout masks: the one place every
 * training run (the {@code triage train} command, the trainer service, {@link FineTuner}) seeds the engine.
 */
public final class EngineSeed {
    private EngineSeed() {}

    /** The same seed gives the same fresh head; PyTorch takes an int, so a long seed keeps its low 32 bits. */
    public static void set(long seed) {
        Engine.getEngine("PyTorch").setRandomSeed((int) seed);
    }

    /** Seeded per epoch, so that a resumed run drops out as the uninterrupted one would have. */
    public static void forEpoch(long seed, int epoch) {
        set(seed * 31 + epoch);
    }
}
