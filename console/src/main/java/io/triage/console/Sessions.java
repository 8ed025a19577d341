package io.triage.console;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Sign-in: a reviewer gives a name and the configured token, and gets a random session id (the cookie) and a random
 * CSRF token that every state-changing request must echo in a header. Sessions live in memory: a console restart
 * signs everyone out (their leases survive, keyed by name).
 */
final class Sessions {
    /** Names are shown to other people (escaped) and written to the feedback topic: short, no control characters. */
    static final int MAX_NAME_CHARS = 64;
    static final int MIN_TOKEN_CHARS = 12;

    record Session(String reviewer, String csrf, long expiresAt) {}

    private final SecureRandom random = new SecureRandom();
    private final byte[] tokenDigest;
    private final long sessionMs;
    private final LongSupplier clock;
    private final Map<String, Session> byId = new ConcurrentHashMap<>();

    Sessions(String token, long sessionMs, LongSupplier clock) {
        if (token == null || token.strip().length() < MIN_TOKEN_CHARS) {
            throw new IllegalArgumentException("console.token must be set, at least " + MIN_TOKEN_CHARS
                    + " characters: without it anybody could label");
        }
        this.tokenDigest = sha256(token.strip());
        this.sessionMs = sessionMs;
        this.clock = clock;
    }

    /** @return the new session's id; empty when the token is wrong or the name unusable */
    Optional<String> signIn(String name, String token) {
        String reviewer = name == null ? "" : name.strip();
        // compare digests: constant time, whatever the lengths
        if (token == null || !MessageDigest.isEqual(tokenDigest, sha256(token.strip())) || !usableName(reviewer)) {
            return Optional.empty();
        }
        byId.values().removeIf(s -> s.expiresAt() <= clock.getAsLong());
        String id = randomToken();
        byId.put(id, new Session(reviewer, randomToken(), clock.getAsLong() + sessionMs));
        return Optional.of(id);
    }

    Optional<Session> find(String id) {
        Session s = id == null ? null : byId.get(id);
        if (s == null || s.expiresAt() <= clock.getAsLong()) {
            return Optional.empty();
        }
        return Optional.of(s);
    }

    void signOut(String id) {
        byId.remove(id);
    }

    static boolean usableName(String name) {
        return !name.isEmpty() && name.length() <= MAX_NAME_CHARS && name.codePoints().noneMatch(Character::isISOControl);
    }

    static boolean sameToken(String expected, String given) {
        return given != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                given.getBytes(StandardCharsets.UTF_8));
    }

    private String randomToken() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
