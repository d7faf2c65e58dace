package dev.memorag.query;

/**
 * Settings of one query service instance.
 *
 * @param adminToken token accepted for every corpus (may be null: corpus tokens only)
 * @param questions  how questions from Kafka clients are confined
 * @param ingestUrl  root URL of the ingest gateway ({@code http://host:port}) that {@code /v1/corpora} and the
 *                   corpus's document and status routes are forwarded to, so that the web console works from one
 *                   origin; null: those routes answer 503
 * @param httpInstances HTTP server verticles sharing the port, each on its own event loop (at least 1; {@code
 *                   MEMORAG_HTTP_INSTANCES}, default one per core)
 */
public record QueryConfig(
        String bootstrapServers,
        String host,
        int httpPort,
        String adminToken,
        EdgeLimits limits,
        KafkaQuestions questions,
        String ingestUrl,
        int httpInstances) {
    public QueryConfig {
        if (httpInstances < 1) {
            throw new IllegalArgumentException("MEMORAG_HTTP_INSTANCES must be at least 1, not " + httpInstances);
        }
    }
}
