package dev.memorag.query.routing;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Question ids seen per corpus within a window, so that a question sent twice (a client's retry, a producer's
 * duplicate) is answered once. Remembered from intake on, so an id in flight counts as seen. Bounded: the oldest
 * ids go first once the window passes or {@code capacity} is reached. Used on the intake's context only.
 */
final class SeenQuestions {
    private final long windowNanos;
    private final int capacity;
    private final LongSupplier nanoTime;
    private final LinkedHashMap<String, Long> seenAt = new LinkedHashMap<>();

    SeenQuestions(Duration window, int capacity, LongSupplier nanoTime) {
        this.windowNanos = window.toNanos();
        this.capacity = capacity;
        this.nanoTime = nanoTime;
    }

    /** True the first time {@code (corpus, id)} is offered within the window; false for a repeat. */
    boolean firstTime(String corpus, String id) {
        long now = nanoTime.getAsLong();
        for (Iterator<Map.Entry<String, Long>> it = seenAt.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Long> oldest = it.next();
            if (now - oldest.getValue() < windowNanos && seenAt.size() < capacity) {
                break;
            }
            it.remove();
        }
        return seenAt.putIfAbsent(corpus + '\u0000' + id, now) == null;
    }
}
