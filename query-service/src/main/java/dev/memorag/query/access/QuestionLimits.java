package dev.memorag.query.access;

import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-corpus admission of questions: at most {@code maxInFlight} being answered, and a token bucket of
 * {@code perSecond} questions a second with bursts of twice that. One corpus cannot starve the others.
 */
public final class QuestionLimits {
    private final int maxInFlight;
    private final double perSecond;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    public QuestionLimits(int maxInFlight, double perSecond) {
        this.maxInFlight = maxInFlight;
        this.perSecond = perSecond;
    }

    /** Empty if the question may go ahead (call {@link #release} when it ends); else seconds to wait. */
    public OptionalLong tryAcquire(String corpus) {
        return buckets.computeIfAbsent(corpus, c -> new Bucket()).tryAcquire(System.nanoTime());
    }

    public void release(String corpus) {
        Bucket bucket = buckets.get(corpus);
        if (bucket != null) {
            bucket.release();
        }
    }

    private final class Bucket {
        private double tokens = 2 * perSecond;
        private long refilledAt = System.nanoTime();
        private int inFlight;

        synchronized OptionalLong tryAcquire(long now) {
            tokens = Math.min(2 * perSecond, tokens + (now - refilledAt) / 1e9 * perSecond);
            refilledAt = now;
            if (inFlight >= maxInFlight) {
                return OptionalLong.of(1);
            }
            if (tokens < 1) {
                return OptionalLong.of((long) Math.ceil((1 - tokens) / perSecond));
            }
            tokens -= 1;
            inFlight++;
            return OptionalLong.empty();
        }

        synchronized void release() {
            inFlight = Math.max(0, inFlight - 1);
        }
    }
}
