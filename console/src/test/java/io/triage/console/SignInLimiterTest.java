package io.triage.console;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

class SignInLimiterTest {
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final SignInLimiter limiter = new SignInLimiter(3, 60_000, now::get);

    @Test
    void refusesAnAddressAfterItsFailuresUntilTheWindowEnds() {
        for (int i = 0; i < 3; i++) {
            assertEquals(0, limiter.refusedForMs("10.0.0.1", "name" + i));
            limiter.failed("10.0.0.1", "name" + i);
        }
        assertEquals(60_000, limiter.refusedForMs("10.0.0.1", "someone else"), "every name from that address");
        assertEquals(0, limiter.refusedForMs("10.0.0.2", "someone else"), "other addresses are not affected");
        now.addAndGet(59_999);
        assertEquals(1, limiter.refusedForMs("10.0.0.1", "x"));
        now.incrementAndGet();
        assertEquals(0, limiter.refusedForMs("10.0.0.1", "x"), "the window ended");
    }

    @Test
    void refusesANameGuessedFromManyAddresses() {
        for (int i = 0; i < 3; i++) {
            limiter.failed("10.0.0." + i, " ana ");
        }
        assertTrue(limiter.refusedForMs("10.9.9.9", "ana") > 0, "the name as the sessions see it, stripped");
        assertEquals(0, limiter.refusedForMs("10.9.9.9", "bob"));
    }

    @Test
    void keepsAtMostItsKeyLimitUnderAFloodOfAddresses() {
        for (int i = 0; i < SignInLimiter.MAX_KEYS; i++) {
            limiter.failed("flood-" + i, "x".repeat(100_000));
        }
        // the flood's name key was counted on and is refused; a fresh address and name are not
        assertTrue(limiter.refusedForMs("flood-0", "x".repeat(100_000)) > 0);
        assertEquals(0, limiter.refusedForMs("new", "new"));
        limiter.failed("new", "new");
        assertEquals(0, limiter.refusedForMs("new", "new"), "one failure is under the limit");
    }
}
