package dev.memorag.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A corpus registration on the compacted {@code memorag.corpora} topic; mirrors corpus.schema.json. Only the
 * SHA-256 of the corpus's bearer token travels, so the topic never leaks a usable credential.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Corpus(
        int schemaVersion, String id, String tokenSha256, long createdAt, Integer chunkTokens, String memoryBackend) {

    public static Corpus register(String id, String token, long now) {
        return new Corpus(1, id, tokenHash(token), now, null, null);
    }

    /** Constant-time check of a presented bearer token. */
    public boolean acceptsToken(String token) {
        return token != null && acceptsTokenHash(tokenHash(token));
    }

    /** The same check for a token hashed once by a caller that compares it with many corpora. */
    public boolean acceptsTokenHash(String hash) {
        return MessageDigest.isEqual(
                hash.getBytes(StandardCharsets.US_ASCII), tokenSha256.getBytes(StandardCharsets.US_ASCII));
    }

    /** The hex SHA-256 a registration stores for {@code token}: what a registry can index corpora by. */
    public static String tokenHash(String token) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
