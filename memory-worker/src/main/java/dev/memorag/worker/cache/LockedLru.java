package dev.memorag.worker.cache;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

/**
 * Per-corpus values held within a byte budget, least recently used first out, each corpus with a fair read-write
 * lock: readers of a value hold its read lock, and eviction takes only values whose write lock it gets at once, so a
 * value in use is never closed under its reader. The map's own operations are atomic under this object's monitor,
 * which an owner may also hold to keep its own bookkeeping in step with the map.
 */
public final class LockedLru<V> {
    private final Map<String, ReentrantReadWriteLock> locks = new ConcurrentHashMap<>();
    /** Access-ordered; guarded by this. */
    private final LinkedHashMap<String, V> values = new LinkedHashMap<>(16, 0.75f, true);

    private final ToLongFunction<V> bytes;
    private final long budgetBytes;
    private final Consumer<V> close;

    /**
     * @param bytes       what a value holds, in bytes
     * @param budgetBytes what all values may hold together before the least recently used are closed
     * @param close       closes an evicted value, under its corpus's write lock
     */
    public LockedLru(ToLongFunction<V> bytes, long budgetBytes, Consumer<V> close) {
        this.bytes = bytes;
        this.budgetBytes = budgetBytes;
        this.close = close;
    }

    public ReentrantReadWriteLock lock(String corpus) {
        return locks.computeIfAbsent(corpus, c -> new ReentrantReadWriteLock(true));
    }

    /** The corpus's value, marked as used now; null when it is not held. */
    public synchronized V get(String corpus) {
        return values.get(corpus);
    }

    public synchronized boolean contains(String corpus) {
        return values.containsKey(corpus);
    }

    /** Holds {@code value} for the corpus; returns the value it replaces, which the caller closes. */
    public synchronized V put(String corpus, V value) {
        return values.put(corpus, value);
    }

    /** Stops holding the corpus's value; returns it for the caller to close. */
    public synchronized V remove(String corpus) {
        return values.remove(corpus);
    }

    /** Stops holding {@code value} if it is still the corpus's value. */
    public synchronized boolean remove(String corpus, V value) {
        return values.remove(corpus, value);
    }

    /** Bytes all held values hold. */
    public synchronized long bytes() {
        return values.values().stream().mapToLong(bytes).sum();
    }

    /** Closes least recently used values, never {@code keep}'s or one in use, until the total fits the budget. */
    public void evict(String keep) {
        List<Map.Entry<String, V>> victims = new ArrayList<>();
        synchronized (this) {
            long total = bytes();
            Iterator<Map.Entry<String, V>> it = values.entrySet().iterator();
            while (total > budgetBytes && it.hasNext()) {
                Map.Entry<String, V> e = it.next();
                if (!e.getKey().equals(keep)) {
                    victims.add(Map.entry(e.getKey(), e.getValue()));
                    total -= bytes.applyAsLong(e.getValue());
                }
            }
        }
        for (Map.Entry<String, V> victim : victims) {
            ReentrantReadWriteLock lock = lock(victim.getKey());
            if (!lock.writeLock().tryLock()) {
                continue; // in use: it stays until a later eviction
            }
            try {
                if (remove(victim.getKey(), victim.getValue())) {
                    close.accept(victim.getValue());
                }
            } finally {
                lock.writeLock().unlock();
            }
        }
    }

    /** Closes every held value; for the owner's close, once no reader is left. */
    public synchronized void closeAll() {
        values.values().forEach(close);
        values.clear();
    }
}
