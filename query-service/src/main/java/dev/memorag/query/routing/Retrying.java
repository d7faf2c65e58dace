package dev.memorag.query.routing;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Repeats an attempt until it succeeds: a failed Kafka send (the producer already retried it for
 * {@code delivery.timeout.ms}, or refused it at once) is tried again after a pause that doubles up to 10 s. An answer,
 * a routed question or a dead letter is never given up on while the service runs; the commits behind it wait
 * ({@link OrderedCommits}), so after a restart it is read and tried again.
 */
public final class Retrying {
    private static final Logger log = LoggerFactory.getLogger(Retrying.class);
    private static final long FIRST_PAUSE_MS = 100;
    private static final long MAX_PAUSE_MS = 10_000;

    private final Vertx vertx;
    private volatile boolean closed;

    Retrying(Vertx vertx) {
        this.vertx = vertx;
    }

    <T> Future<T> untilDone(String what, Supplier<Future<T>> attempt) {
        Promise<T> done = Promise.promise();
        attempt(what, attempt, done, FIRST_PAUSE_MS);
        return done.future();
    }

    private <T> void attempt(String what, Supplier<Future<T>> attempt, Promise<T> done, long pause) {
        attempt.get().onComplete(done::tryComplete, failure -> {
            if (closed) {
                done.tryFail(failure);
                return;
            }
            log.warn("{} failed ({}); trying again in {} ms", what, failure.toString(), pause);
            vertx.setTimer(pause, t -> attempt(what, attempt, done, Math.min(pause * 2, MAX_PAUSE_MS)));
        });
    }

    /** Stops retrying: attempts still failing now fail for good. */
    void close() {
        closed = true;
    }
}
