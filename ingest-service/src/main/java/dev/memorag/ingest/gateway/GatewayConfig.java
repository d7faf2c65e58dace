package dev.memorag.ingest.gateway;

/**
 * @param host           interface the gateway binds to
 * @param port           HTTP port (0 picks a free one)
 * @param adminToken     bearer token that may create corpora
 * @param maxUploadBytes largest request body accepted (uploaded files included)
 * @param maxTextChars   largest extracted text accepted; admission enforces the same limit again
 */
public record GatewayConfig(String host, int port, String adminToken, long maxUploadBytes, int maxTextChars) {
    public static final long DEFAULT_MAX_UPLOAD_BYTES = 32L * 1024 * 1024;

    public GatewayConfig {
        if (adminToken == null || adminToken.length() < 16) {
            throw new IllegalArgumentException("the admin token must have at least 16 characters");
        }
    }
}
