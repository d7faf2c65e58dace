package dev.memorag.query;

import java.time.Duration;

/** Settings of one query service instance. */
public record QueryConfig(String bootstrapServers, String host, int httpPort, Duration answerTimeout) {
    public static final Duration DEFAULT_ANSWER_TIMEOUT = Duration.ofSeconds(60);
}
