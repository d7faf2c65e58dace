package dev.memorag.worker.llm;

import java.time.Duration;

/**
 * How hard a call to an LLM endpoint tries: each attempt may take {@code timeout}; timeouts, refused connections,
 * 429 and 5xx answers are retried up to {@code attempts} in all, waiting {@code backoff} doubled each time (or the
 * server's {@code Retry-After}), never longer than {@code maxBackoff}.
 */
public record RetryPolicy(int attempts, Duration timeout, Duration backoff, Duration maxBackoff) {
    public static final RetryPolicy DEFAULT =
            new RetryPolicy(4, Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ofSeconds(30));

    public RetryPolicy {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts " + attempts + " must be at least 1");
        }
    }

    /** The wait before attempt {@code attempt + 1} (attempts count from 1), honouring a server's wish if given. */
    Duration waitAfter(int attempt, Duration serverWish) {
        Duration wait = serverWish != null ? serverWish : backoff.multipliedBy(1L << Math.min(attempt - 1, 20));
        return wait.compareTo(maxBackoff) > 0 ? maxBackoff : wait;
    }
}
