package io.triage.stream.shadow;

/**
 * Which live events a shadow trial sees: those whose id hashes below the sample fraction. A hash, not a random
 * draw, so the sample is the same after a restart and on a replay, and each event is in it or not on every instance.
 */
public final class ShadowSample {
    private final double fraction;

    public ShadowSample(double fraction) {
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("shadow.sample is a fraction in [0, 1]: " + fraction);
        }
        this.fraction = fraction;
    }

    public boolean includes(String eventId) {
        if (fraction == 0 || eventId == null) {
            return false;
        }
        // String.hashCode is fixed by the JLS; the multiply spreads ids that differ only in their last characters
        long mixed = (eventId.hashCode() & 0xffffffffL) * 0x9E3779B97F4A7C15L;
        double uniform = (mixed >>> 11) * 0x1.0p-53;
        return uniform < fraction;
    }
}
