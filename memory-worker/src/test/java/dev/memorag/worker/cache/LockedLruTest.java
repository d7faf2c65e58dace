package dev.memorag.worker.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.junit.jupiter.api.Test;

class LockedLruTest {
    private final List<String> closed = new ArrayList<>();
    private final LockedLru<String> lru = new LockedLru<>(v -> 10, 25, closed::add);

    @Test
    void evictsLeastRecentlyUsedUntilTheBudgetFitsButNeverTheKeptOne() {
        lru.put("a", "A");
        lru.put("b", "B");
        lru.put("c", "C");
        lru.get("a"); // b is now the least recently used
        lru.evict("c");
        assertEquals(List.of("B"), closed);
        assertEquals(20, lru.bytes());
        assertTrue(lru.contains("a"));

        lru.put("d", "D");
        lru.evict("a"); // c then d are older than a, which is kept
        assertEquals(List.of("B", "C"), closed);
        assertTrue(lru.contains("a") && lru.contains("d"));
    }

    @Test
    void aValueWhoseReadLockIsHeldIsNotClosedAndGoesOnALaterEviction() throws Exception {
        lru.put("a", "A");
        lru.put("b", "B");
        lru.put("c", "C");
        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
            ReentrantReadWriteLock lock = lru.lock("a");
            lock.readLock().lock();
            try {
                reading.countDown();
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                lock.readLock().unlock();
            }
        });
        assertTrue(reading.await(10, TimeUnit.SECONDS));
        lru.evict("c");
        assertTrue(closed.isEmpty(), "a is read: it stays, though over budget");
        assertTrue(lru.contains("a"));

        release.countDown();
        reader.get(10, TimeUnit.SECONDS);
        lru.evict("c");
        assertEquals(List.of("A"), closed);
        assertFalse(lru.contains("a"));
    }

    @Test
    void aReplacedValueIsNotClosedByEvictionOfTheOldOne() {
        lru.put("a", "A1");
        assertEquals("A1", lru.put("a", "A2"));
        assertFalse(lru.remove("a", "A1"));
        lru.closeAll();
        assertEquals(List.of("A2"), closed);
        assertEquals(0, lru.bytes());
    }
}
