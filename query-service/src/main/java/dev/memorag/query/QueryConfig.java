package dev.memorag.query;

import java.time.Duration;

/**
 * Settings of one query service instance.
 *
 * @param adminToken            token accepted for every corpus (may be null: corpus tokens only)
 * @param maxInFlightPerCorpus  questions of one corpus being answered at once through this instance
 * @param questionsPerSecond    sustained questions per second per corpus (bursts up to twice as many)
 * @param socketBufferBytes     what a WebSocket may have queued unread before it is closed as too slow
 */
public record QueryConfig(String bootstrapServers, String host, int httpPort, Duration answerTimeout,
                          String adminToken, int maxInFlightPerCorpus, double questionsPerSecond,
                          int socketBufferBytes) {
    public static final Duration DEFAULT_ANSWER_TIMEOUT = Duration.ofSeconds(60);
    public static final int DEFAULT_MAX_IN_FLIGHT_PER_CORPUS = 64;
    public static final double DEFAULT_QUESTIONS_PER_SECOND = 50;
    public static final int DEFAULT_SOCKET_BUFFER_BYTES = 1 << 20;
}
