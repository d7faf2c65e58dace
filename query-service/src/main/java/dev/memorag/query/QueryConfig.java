package dev.memorag.query;

/**
 * Settings of one query service instance.
 *
 * @param adminToken token accepted for every corpus (may be null: corpus tokens only)
 * @param questions  how questions from Kafka clients are confined
 */
public record QueryConfig(String bootstrapServers, String host, int httpPort, String adminToken,
                          EdgeLimits limits, KafkaQuestions questions) {
}
