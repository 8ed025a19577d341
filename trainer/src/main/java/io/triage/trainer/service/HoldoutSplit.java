package io.triage.trainer.service;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Which feedback examples are held out for evaluation and never trained on: those whose id hashes below the
 * fraction. The side depends on the id alone, so an example never changes side as data arrives or across restarts
 * (a re-split would leak evaluation examples into training), and every class loses the same share in expectation:
 * the slice is stratified without looking at labels, which corrections may change.
 */
final class HoldoutSplit {
    private final double fraction;

    HoldoutSplit(double fraction) {
        if (!(fraction >= 0 && fraction < 1)) {
            throw new IllegalArgumentException("holdout fraction must be in [0, 1), got " + fraction);
        }
        this.fraction = fraction;
    }

    boolean isHeldOut(String id) {
        return unitHash(id) < fraction;
    }

    /** The id's SHA-256, as a number in [0, 1): uniform for any ids, stable across JVMs. */
    static double unitHash(String id) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
            long top = ByteBuffer.wrap(digest).getLong() >>> 11; // 53 bits: exact in a double
            return top / (double) (1L << 53);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }
}
