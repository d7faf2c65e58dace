package dev.memorag.worker.retrieval;

import dev.memorag.schemas.Question.Retrieval;
import dev.memorag.worker.cache.LockedLru;
import dev.memorag.worker.store.CorpusStore;
import dev.memorag.worker.store.PassageChanges;
import dev.memorag.worker.store.StoredChunk;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.apache.lucene.util.IOUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's retrieval index: per corpus, BM25 and vector search over the store's live passages, in memory.
 *
 * <p>It cannot diverge from the store because it is only ever derived from it. A corpus's index is built from the
 * store on first use (after a start, a crash or an eviction) and afterwards changed only by the store's own change
 * records, which the store hands over inside {@code apply}, after the write is durable, in write order. A build reads
 * the store without holding the corpus's lock, so the worker's poll loop never waits for one: the seqs that change
 * records remove meanwhile are noted, and the build ends, under the corpus's write lock, by reading the passages
 * written since its last page and removing the noted seqs. A record applied to an index that already holds it
 * changes nothing (seqs are never reused), so a batch written while a build reads the store is neither lost nor
 * doubled. An index that a change fails on is dropped, and rebuilt on its next use.
 *
 * <p>Vectors are searched exactly until a corpus holds {@code annThreshold} passages, then in an HNSW graph. The
 * indexes are bounded by bytes: least recently used corpora are dropped beyond the budget, never one in use.
 */
public final class RetrievalIndex implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RetrievalIndex.class);
    /** Passages read from the store per step of a build, so a build never holds a whole corpus decoded. */
    private static final int BUILD_PAGE = 1000;

    private final CorpusStore store;
    private final RetrievalSettings settings;
    private final LockedLru<CorpusIndex> loaded;
    /** The builds under way, by corpus; guarded by {@link #loaded}'s monitor: a build ends and publishes in one step. */
    private final Map<String, Build> building = new HashMap<>();

    private volatile boolean closed;
    private Thread warming;

    private RetrievalIndex(CorpusStore store, RetrievalSettings settings) {
        this.store = store;
        this.settings = settings;
        this.loaded =
                new LockedLru<>(CorpusIndex::ramBytes, settings.cacheBytes(), IOUtils::closeWhileHandlingException);
    }

    /** An index over {@code store}, told of every batch the store applies from now on. */
    public static RetrievalIndex attach(CorpusStore store, RetrievalSettings settings) {
        RetrievalIndex index = new RetrievalIndex(store, settings);
        store.listen(index::changed);
        return index;
    }

    /**
     * Builds the indexes of the corpora already in the store, one after another on a background thread, until the
     * byte budget is used: after a start, a large corpus's first question need not wait minutes for its build. A
     * question to a corpus being built waits for that build rather than starting its own.
     */
    public synchronized void warmInBackground() {
        if (warming != null) {
            return;
        }
        warming = new Thread(
                () -> {
                    for (String corpus : store.corpora()) {
                        if (closed) {
                            return;
                        }
                        if (ramBytes() >= settings.cacheBytes()) {
                            log.info(
                                    "the retrieval indexes built at start fill the index budget; the other corpora are "
                                            + "built on their first question");
                            return;
                        }
                        try {
                            build(corpus);
                        } catch (RuntimeException e) {
                            if (!closed) {
                                log.warn(
                                        "corpus '{}': building its retrieval index at start failed ({}); it is built on its "
                                                + "next question",
                                        corpus,
                                        e.toString());
                            }
                        }
                    }
                },
                "memorag-index-warmup");
        warming.setDaemon(true);
        warming.start();
    }

    public RetrievalSettings settings() {
        return settings;
    }

    /**
     * Per clue (text and vector) the {@code topK} best passages under {@code mode}, merged over clues with each
     * passage's best score, in corpus-stream order.
     */
    public List<ScoredChunk> search(String corpus, Retrieval mode, List<String> clues, float[][] vectors, int topK) {
        List<Hit> hits = read(corpus, index -> index.search(mode, clues, vectors, topK));
        List<ScoredChunk> out = new ArrayList<>();
        for (Hit hit : hits) {
            // a passage removed since the search has left the corpus: it is no evidence any more
            store.chunkAt(corpus, hit.seq()).ifPresent(chunk -> out.add(new ScoredChunk(chunk, hit.score())));
        }
        out.sort(Comparator.comparingLong(h -> h.chunk().seq()));
        return out;
    }

    /** What the corpus's index holds, built first if it is cold: for checks against the store. */
    public IndexedPassages passages(String corpus) {
        return read(corpus, CorpusIndex::passages);
    }

    public boolean isLoaded(String corpus) {
        return loaded.contains(corpus);
    }

    /** Heap bytes the loaded indexes hold, approximately. */
    public long ramBytes() {
        return loaded.bytes();
    }

    private interface IndexAction<T> {
        T apply(CorpusIndex index) throws IOException;
    }

    /** Runs {@code action} under the corpus's read lock, building its index first if it is cold. */
    private <T> T read(String corpus, IndexAction<T> action) {
        ReentrantReadWriteLock lock = loaded.lock(corpus);
        CorpusIndex index;
        // a loop: a fresh index can be dropped again (a failed change, the ANN threshold) before this reader locks
        while (true) {
            lock.readLock().lock();
            index = cached(corpus);
            if (index != null) {
                break;
            }
            lock.readLock().unlock();
            build(corpus);
        }
        try {
            return action.apply(index);
        } catch (IOException e) {
            throw new UncheckedIOException("the retrieval index of corpus '" + corpus + "' failed", e);
        } finally {
            lock.readLock().unlock();
            loaded.evict(corpus);
        }
    }

    /** One corpus's build under way: the seqs removed while it reads, and the readers waiting for it. */
    private static final class Build {
        final Set<Long> removed = new HashSet<>();
        final CompletableFuture<Void> done = new CompletableFuture<>();
    }

    /** Builds the corpus's index from the store, or waits for the build another reader started. */
    private void build(String corpus) {
        Build build;
        Build running;
        synchronized (loaded) {
            if (closed) {
                throw new IllegalStateException("the retrieval index is closed");
            }
            if (loaded.contains(corpus)) {
                return;
            }
            running = building.get(corpus);
            build = running == null ? new Build() : null;
            if (build != null) {
                building.put(corpus, build);
            }
        }
        if (running != null) {
            awaitOther(running);
            return;
        }
        try {
            buildUnlocked(corpus, build);
            build.done.complete(null);
        } catch (RuntimeException | Error e) {
            synchronized (loaded) {
                building.remove(corpus, build);
            }
            build.done.completeExceptionally(e);
            throw e;
        }
    }

    private static void awaitOther(Build running) {
        try {
            running.done.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    private void buildUnlocked(String corpus, Build build) {
        long start = System.nanoTime();
        boolean approximate = store.stats(corpus).chunks() >= settings.annThreshold();
        CorpusIndex index = null;
        ReentrantReadWriteLock lock = loaded.lock(corpus);
        try {
            index = CorpusIndex.create(approximate);
            long seq = stageFromStore(corpus, index, -1);
            lock.writeLock().lock();
            try {
                Set<Long> removed;
                synchronized (loaded) {
                    if (closed) {
                        throw new IllegalStateException("the retrieval index is closed");
                    }
                    // from here on change records wait for the write lock and apply to the published index
                    removed = Set.copyOf(build.removed);
                    building.remove(corpus);
                    loaded.put(corpus, index);
                }
                stageFromStore(corpus, index, seq);
                index.stage(removed, List.of());
                index.publish();
            } catch (IOException | RuntimeException e) {
                loaded.remove(corpus, index);
                throw e;
            } finally {
                lock.writeLock().unlock();
            }
        } catch (IOException | RuntimeException e) {
            IOUtils.closeWhileHandlingException(index);
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
        if (index.size() > 0) {
            log.info(
                    "built the retrieval index of corpus '{}' from the store: {} passages, vectors {}, in {} ms",
                    corpus,
                    index.size(),
                    approximate ? "in an HNSW graph" : "searched exactly",
                    (System.nanoTime() - start) / 1_000_000);
        }
    }

    /** Stages the corpus's passages after {@code seq}, a page at a time; returns the last seq staged. */
    private long stageFromStore(String corpus, CorpusIndex index, long seq) throws IOException {
        for (List<StoredChunk> page = store.chunksAfter(corpus, seq, BUILD_PAGE);
                !page.isEmpty();
                page = store.chunksAfter(corpus, seq, BUILD_PAGE)) {
            if (closed) {
                throw new IllegalStateException("the retrieval index is closed");
            }
            index.stage(Set.of(), page);
            seq = page.get(page.size() - 1).seq();
        }
        return seq;
    }

    /** The store's change record of one corpus: applied if its index is loaded; a cold one reads the store later. */
    private void changed(PassageChanges changes) {
        String corpus = changes.corpus();
        synchronized (loaded) {
            Build build = building.get(corpus);
            if (build != null) {
                build.removed.addAll(changes.removed()); // added passages are in the store, where the build reads
                return;
            }
        }
        ReentrantReadWriteLock lock = loaded.lock(corpus);
        lock.writeLock().lock();
        try {
            CorpusIndex index = cached(corpus);
            if (index == null || closed) {
                return;
            }
            try {
                index.apply(changes.removed(), changes.added());
            } catch (IOException | RuntimeException e) {
                // whatever failed, an index that may have missed a change must not answer: the store rebuilds it
                log.warn(
                        "corpus '{}': the retrieval index failed to take a change ({}); it is rebuilt from the "
                                + "store on its next question",
                        corpus,
                        e.toString());
                drop(corpus);
                return;
            }
            if (!index.approximate() && index.size() >= settings.annThreshold()) {
                log.info(
                        "corpus '{}' grew to {} passages, past the ANN threshold {}: its index is rebuilt with an "
                                + "HNSW graph on its next question",
                        corpus,
                        index.size(),
                        settings.annThreshold());
                drop(corpus);
            }
        } finally {
            lock.writeLock().unlock();
        }
        loaded.evict(corpus);
    }

    private CorpusIndex cached(String corpus) {
        return loaded.get(corpus);
    }

    /** Closes a corpus's index; the caller holds its write lock. */
    private void drop(String corpus) {
        IOUtils.closeWhileHandlingException(loaded.remove(corpus));
    }

    @Override
    public void close() {
        closed = true;
        Thread warmer;
        synchronized (this) {
            warmer = warming;
        }
        if (warmer != null) {
            try {
                warmer.join(30_000); // a build stops at its next page once closed
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        loaded.closeAll();
    }
}
