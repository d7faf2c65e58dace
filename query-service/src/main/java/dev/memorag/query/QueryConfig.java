package dev.memorag.query;

/**
 * Settings of one query service instance.
 *
 * @param adminToken token accepted for every corpus (may be null: corpus tokens only)
 */
public record QueryConfig(String bootstrapServers, String host, int httpPort, String adminToken,
                          EdgeLimits limits) {
}
