package dev.memorag.worker.recall;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Questions whose askers went away. A cancel may arrive before, during or after its question is answered; entries
 * expire so that the set stays bounded however many cancels arrive.
 */
public final class Cancellations {
    private static final long TTL_NANOS = Duration.ofMinutes(10).toNanos();

    private final Map<String, Long> cancelledAt = new ConcurrentHashMap<>();
    private final AtomicLong received = new AtomicLong();

    public void cancel(String questionId) {
        long now = System.nanoTime();
        cancelledAt.values().removeIf(at -> now - at > TTL_NANOS);
        cancelledAt.put(questionId, now);
        received.incrementAndGet();
    }

    public boolean isCancelled(String questionId) {
        return cancelledAt.containsKey(questionId);
    }

    /** Cancel requests received since start. */
    public long received() {
        return received.get();
    }
}
