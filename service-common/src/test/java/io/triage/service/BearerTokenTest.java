package io.triage.service;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class BearerTokenTest {
    @Test
    void admitsOnlyTheBearerSchemeWithTheExactToken() {
        BearerToken token = BearerToken.of("abc123");
        assertTrue(token.isEnabled());
        assertTrue(token.admits("Bearer abc123"));
        assertTrue(token.admits("bearer abc123"));
        assertTrue(token.admits("BEARER  abc123 "));
        for (String header : new String[] {null, "", "Bearer", "Bearer ", "Bearer abc12", "Bearer abc1234",
                "Bearer ABC123", "Basic abc123", "abc123", "Bearerabc123"}) {
            assertFalse(token.admits(header), String.valueOf(header));
        }
    }

    @Test
    void anEmptyTokenAdmitsNothing() {
        for (String empty : new String[] {null, "", "  "}) {
            BearerToken token = BearerToken.of(empty);
            assertFalse(token.isEnabled());
            assertFalse(token.admits("Bearer "));
            assertFalse(token.admits("Bearer  "));
            assertFalse(token.admits(null));
        }
    }

    @Test
    void neverPrintsTheSecret() {
        assertFalse(BearerToken.of("abc123").toString().contains("abc123"));
    }
}
