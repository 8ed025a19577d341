package io.triage.service;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/**
 * The secret an ops action ({@link OpsServer#onPost}) requires as {@code Authorization: Bearer <token>}. An empty
 * token disables the action: nothing is admitted.
 */
public final class BearerToken {
    private static final String SCHEME = "bearer ";

    /** SHA-256 of the token, so the comparison takes the same time whatever the length of either side. */
    private final byte[] expectedDigest;

    private BearerToken(byte[] expectedDigest) {
        this.expectedDigest = expectedDigest;
    }

    /** @param token the secret; null or blank: nothing is admitted */
    public static BearerToken of(String token) {
        return token == null || token.isBlank() ? new BearerToken(null) : new BearerToken(sha256(token.strip()));
    }

    public boolean isEnabled() {
        return expectedDigest != null;
    }

    /** Whether an {@code Authorization} header value (may be null) carries the token; compared in constant time. */
    public boolean admits(String authorization) {
        if (expectedDigest == null || authorization == null || authorization.length() <= SCHEME.length()
                || !authorization.substring(0, SCHEME.length()).toLowerCase(Locale.ROOT).equals(SCHEME)) {
            return false;
        }
        String presented = authorization.substring(SCHEME.length()).strip();
        return !presented.isEmpty() && MessageDigest.isEqual(expectedDigest, sha256(presented));
    }

    @Override
    public String toString() {
        return isEnabled() ? "BearerToken[set]" : "BearerToken[disabled]"; // never the secret
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
