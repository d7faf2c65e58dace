package dev.memorag.worker.memory;

import dev.memorag.worker.cache.LockedLru;
import dev.memorag.worker.model.BeaconMemory;
import dev.memorag.worker.model.BeaconSettings;
import dev.memorag.worker.model.ComputeDevice;
import dev.memorag.worker.model.MemoryState;
import dev.memorag.worker.model.ModelConfig;
import dev.memorag.worker.store.CorpusStore;
import dev.memorag.worker.store.MemoryCursor;
import java.util.List;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device cache of corpus memories: hot ones stay on the device, least recently used ones are closed when the
 * total passes a byte budget, and a cold one is restored from the store on its next use. Each corpus has a
 * read-write lock: questions read its memory side by side, the memorizer extends it alone, and eviction only takes
 * memories nobody holds.
 */
public final class CorpusMemories implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CorpusMemories.class);

    /** A memory and the persisted cursor it corresponds to (the memory may run ahead until the next commit). */
    public record Loaded(BeaconMemory memory, MemoryCursor cursor) {}

    private final MemoryModel model;
    private final CorpusStore store;
    private final LockedLru<Loaded> cached;

    public CorpusMemories(MemoryModel model, CorpusStore store, long budgetBytes) {
        this.model = model;
        this.store = store;
        this.cached = new LockedLru<>(
                loaded -> loaded.memory().deviceBytes(),
                budgetBytes,
                loaded -> loaded.memory().close());
    }

    public MemoryModel model() {
        return model;
    }

    /** Runs {@code action} on the corpus's memory under its read lock, restoring it first if it is cold. */
    public <T> T read(String corpus, Function<Loaded, T> action) {
        ReentrantReadWriteLock lock = cached.lock(corpus);
        lock.readLock().lock();
        Loaded loaded = cached.get(corpus);
        if (loaded == null) {
            lock.readLock().unlock();
            lock.writeLock().lock();
            try {
                loaded = loadLocked(corpus);
                lock.readLock().lock(); // downgrade: other readers may join, the memorizer may not
            } finally {
                lock.writeLock().unlock();
            }
        }
        try {
            return action.apply(loaded);
        } finally {
            lock.readLock().unlock();
            cached.evict(corpus);
        }
    }

    /** Runs {@code action} on the corpus's memory with nobody else holding it. */
    public <T> T write(String corpus, Function<Loaded, T> action) {
        ReentrantReadWriteLock lock = cached.lock(corpus);
        lock.writeLock().lock();
        try {
            return action.apply(loadLocked(corpus));
        } finally {
            lock.writeLock().unlock();
            cached.evict(corpus);
        }
    }

    /**
     * Runs a commit step under the write lock: {@code step} persists what the cached memory gained and returns the
     * cursor it wrote, which the cache then records.
     */
    public MemoryCursor advance(String corpus, Function<Loaded, MemoryCursor> step) {
        return write(corpus, loaded -> {
            MemoryCursor cursor = step.apply(loaded);
            cached.put(corpus, new Loaded(loaded.memory(), cursor));
            return cursor;
        });
    }

    /** Puts a rebuilt memory in place of the old one, which is closed. */
    public void replace(String corpus, BeaconMemory memory, MemoryCursor cursor) {
        ReentrantReadWriteLock lock = cached.lock(corpus);
        lock.writeLock().lock();
        try {
            Loaded old = cached.put(corpus, new Loaded(memory, cursor));
            if (old != null) {
                old.memory().close();
            }
        } finally {
            lock.writeLock().unlock();
        }
        cached.evict(corpus);
    }

    /** Whether the corpus's memory is in the cache now. */
    public boolean isHot(String corpus) {
        return cached.contains(corpus);
    }

    /** Drops the cached memory (it may be ahead of the store after a failed step); the next use restores it. */
    public void invalidate(String corpus) {
        ReentrantReadWriteLock lock = cached.lock(corpus);
        lock.writeLock().lock();
        try {
            Loaded old = cached.remove(corpus);
            if (old != null) {
                old.memory().close();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    private Loaded loadLocked(String corpus) {
        Loaded hit = cached.get(corpus);
        if (hit != null) {
            return hit;
        }
        Loaded loaded = restore(corpus);
        cached.put(corpus, loaded);
        return loaded;
    }

    /** The persisted memory, checked against this model; a corpus without one starts empty. */
    private Loaded restore(String corpus) {
        MemoryCursor cursor = store.memoryCursor(corpus)
                .orElseGet(() -> MemoryCursor.start(model.fingerprint(), store.staleGeneration(corpus)));
        if (!cursor.fingerprint().equals(model.fingerprint())) {
            throw new MemoryUnusableException("the memory of corpus '" + corpus + "' was written by model "
                    + cursor.fingerprint() + " but this worker runs model " + model.fingerprint()
                    + ": configure that checkpoint, or delete and re-ingest the corpus to memorize it with this one");
        }
        ModelConfig c = model.model().config();
        BeaconSettings b = c.beacon();
        List<byte[]> windows = store.memoryWindows(corpus, cursor.windows());
        ComputeDevice.Precision precision = model.model().device().precision();
        int expected = MemoryState.windowBytes(b.window(), b.ratio(), c.numLayers(), c.kvDim(), precision);
        for (int i = 0; i < windows.size(); i++) {
            if (windows.get(i).length != expected) {
                throw new MemoryUnusableException("the memory of corpus '" + corpus + "' is damaged: window " + i
                        + " has " + windows.get(i).length + " bytes on disk, expected " + expected
                        + " (corrupt or truncated row); delete and re-ingest the corpus to rebuild it");
            }
        }
        MemoryState state = new MemoryState(
                b.window(),
                b.ratio(),
                c.numLayers(),
                c.kvDim(),
                precision,
                windows,
                cursor.pending(),
                cursor.pending().length % b.ratio());
        long start = System.nanoTime();
        BeaconMemory memory = BeaconMemory.restore(model.model(), state);
        if (!windows.isEmpty()) {
            log.info(
                    "restored the memory of corpus '{}' ({} windows) in {} ms",
                    corpus,
                    windows.size(),
                    (System.nanoTime() - start) / 1_000_000);
        }
        return new Loaded(memory, cursor);
    }

    @Override
    public void close() {
        cached.closeAll();
    }
}
