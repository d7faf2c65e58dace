package dev.memorag.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The bearer-token rules every edge shares (the ingest gateway, the query service, Kafka questions): how a token is
 * read from an {@code Authorization} value, and how a presented token is compared with a secret.
 */
public final class BearerToken {
    private static final String SCHEME = "Bearer ";

    private BearerToken() {}

    /** The token of an {@code Authorization: Bearer <token>} value; null when absent, of another scheme or blank. */
    public static String of(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return null;
        }
        String token = authorization.substring(SCHEME.length()).strip();
        return token.isEmpty() ? null : token;
    }

    /** Whether a presented token is the secret, in time that does not depend on where they differ. */
    public static boolean matches(String presented, String secret) {
        return presented != null
                && secret != null
                && MessageDigest.isEqual(
                        presented.getBytes(StandardCharsets.UTF_8), secret.getBytes(StandardCharsets.UTF_8));
    }
}
