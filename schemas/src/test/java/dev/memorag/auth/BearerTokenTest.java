package dev.memorag.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BearerTokenTest {

    @Test
    void readsTheTokenOfABearerHeaderAndNothingElse() {
        assertEquals("s3cret", BearerToken.of("Bearer s3cret"));
        assertEquals("s3cret", BearerToken.of("bearer   s3cret  "), "the scheme is case-insensitive, spaces trimmed");
        assertNull(BearerToken.of(null));
        assertNull(BearerToken.of("Bearer "), "a blank token is no token");
        assertNull(BearerToken.of("Bearer    "));
        assertNull(BearerToken.of("Basic dXNlcjpwYXNz"), "another scheme");
        assertNull(BearerToken.of("Bear"));
    }

    @Test
    void matchesOnlyTheSameSecret() {
        assertTrue(BearerToken.matches("admin-token", "admin-token"));
        assertFalse(BearerToken.matches("admin-token", "admin-tokeN"));
        assertFalse(BearerToken.matches("admin", "admin-token"));
        assertFalse(BearerToken.matches(null, "admin-token"));
        assertFalse(BearerToken.matches("admin-token", null), "no secret configured matches nothing");
    }
}
