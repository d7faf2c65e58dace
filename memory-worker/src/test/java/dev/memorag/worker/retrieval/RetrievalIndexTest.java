package dev.memorag.worker.retrieval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memorag.schemas.Chunk;
import dev.memorag.schemas.Question.Retrieval;
import dev.memorag.worker.store.AppliedBatch;
import dev.memorag.worker.store.CorpusStore;
import dev.memorag.worker.store.RocksCorpusStore;
import dev.memorag.worker.store.StoredChunk;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The index holds exactly the store's live passages, whatever happened to the store, and however it was built. */
class RetrievalIndexTest {
    private static final TopicPartition P0 = new TopicPartition("memorag.chunks", 0);
    private static final String CORPUS = "dickens";

    @TempDir
    Path dir;

    private final Random random = new Random(17);
    private long offset;

    @Test
    void equalsTheStoreAfterApplyDeleteReplaceRebuildAndRestart() {
        RetrievalSettings settings = new RetrievalSettings(Retrieval.HYBRID, 1000, Long.MAX_VALUE);
        try (RocksCorpusStore store = new RocksCorpusStore(dir);
                RetrievalIndex index = RetrievalIndex.attach(store, settings)) {
            apply(store, document("carol", 1, 3), document("chimes", 1, 2), document("cricket", 1, 4));
            assertSame(store, index, "after the first batch (built from the store)");

            apply(store, document("haunted", 1, 2));
            assertSame(store, index, "after a batch applied to the loaded index");

            apply(store, List.of(Chunk.delete(CORPUS, "chimes", 2)));
            assertSame(store, index, "after a delete");

            apply(store, document("carol", 2, 5));
            assertSame(store, index, "after a replace by a longer version");

            List<Chunk> twice = new ArrayList<>(document("cricket", 2, 1));
            twice.addAll(document("cricket", 3, 2));
            twice.addAll(document("carol", 2, 5)); // a re-delivered batch: stored once
            apply(store, twice);
            assertSame(store, index, "after two versions in one batch and a re-delivery");

            try (RetrievalIndex rebuilt = RetrievalIndex.attach(store, settings)) {
                assertSame(store, rebuilt, "a second index built from the store");
            }
        }
        try (RocksCorpusStore store = new RocksCorpusStore(dir);
                RetrievalIndex index = RetrievalIndex.attach(store, settings)) {
            assertFalse(index.isLoaded(CORPUS), "nothing is built before it is used");
            assertSame(store, index, "after a restart");
            apply(store, document("mugby", 1, 3));
            assertSame(store, index, "changes after the restart");
        }
    }

    @Test
    void aColdCorpusMissesNoChangeAndABuildRacingWritesEndsEqual() throws Exception {
        RetrievalSettings settings = new RetrievalSettings(Retrieval.HYBRID, 1000, Long.MAX_VALUE);
        try (RocksCorpusStore store = new RocksCorpusStore(dir);
                RetrievalIndex first = RetrievalIndex.attach(store, settings)) {
            apply(store, document("carol", 1, 2));
            apply(store, document("carol", 2, 3)); // the index is cold: nothing to tell it
            assertSame(store, first, "built after changes it was not told of");

            // builds of fresh indexes read the store while a writer replaces and deletes under them (each index then
            // takes every change, so a few are enough)
            Thread writer = new Thread(() -> {
                for (int i = 0; i < 60; i++) {
                    apply(store, document("doc-" + (i % 7), 1 + i / 7, 1 + i % 4));
                    if (i % 5 == 0) {
                        apply(store, List.of(Chunk.delete(CORPUS, "doc-" + (i % 3), 100 + i)));
                    }
                }
            });
            List<RetrievalIndex> built = new ArrayList<>();
            writer.start();
            try {
                while (writer.isAlive() && built.size() < 8) {
                    RetrievalIndex index = RetrievalIndex.attach(store, settings);
                    built.add(index);
                    index.passages(CORPUS);
                }
                writer.join();
                assertTrue(built.size() > 1, "builds ran during the writes");
                for (RetrievalIndex index : built) {
                    assertSame(store, index, "an index built while batches were written");
                }
            } finally {
                built.forEach(RetrievalIndex::close);
            }
        }
    }

    @Test
    void aCorpusPastTheThresholdIsSearchedInAnHnswGraphThatEqualsTheStoreToo() {
        RetrievalSettings settings = new RetrievalSettings(Retrieval.DENSE, 10, Long.MAX_VALUE);
        try (RocksCorpusStore store = new RocksCorpusStore(dir);
                RetrievalIndex index = RetrievalIndex.attach(store, settings)) {
            apply(store, document("carol", 1, 6));
            assertFalse(index.passages(CORPUS).approximate(), "6 passages: exact");
            apply(store, document("chimes", 1, 6));
            assertFalse(index.isLoaded(CORPUS), "grown past the threshold: dropped, to be rebuilt with a graph");
            assertTrue(index.passages(CORPUS).approximate(), "12 passages: HNSW");
            assertSame(store, index, "HNSW after the switch");
            apply(store, List.of(Chunk.delete(CORPUS, "carol", 2)));
            apply(store, document("cricket", 1, 3));
            assertSame(store, index, "HNSW after a delete and a batch");

            StoredChunk target = store.chunks(CORPUS).get(4);
            List<ScoredChunk> hits =
                    index.search(CORPUS, Retrieval.DENSE, List.of("q"), new float[][] {target.vector()}, 1);
            assertEquals(target.seq(), hits.get(0).chunk().seq(), "a passage's own vector finds it");
            assertEquals(1f, hits.get(0).score(), 1e-5, "scores are inner products, as exact search gives them");
        }
    }

    @Test
    void leastRecentlyUsedCorporaAreDroppedBeyondTheByteBudgetAndComeBackEqual() {
        RetrievalSettings settings = new RetrievalSettings(Retrieval.HYBRID, 1000, 1);
        try (RocksCorpusStore store = new RocksCorpusStore(dir);
                RetrievalIndex index = RetrievalIndex.attach(store, settings)) {
            apply(store, document("carol", 1, 3));
            apply(
                    store,
                    List.of(Chunk.upsert(
                            "austen", "emma", 1, 0, 1, "Emma Woodhouse, handsome, clever.", 8, unit(384))));
            index.passages(CORPUS);
            index.passages("austen");
            assertFalse(index.isLoaded(CORPUS), "over budget: the least recently used corpus is dropped");
            assertTrue(index.isLoaded("austen"), "the one just used stays");
            apply(store, document("chimes", 1, 2));
            assertSame(store, index, "a dropped corpus comes back from the store");
        }
    }

    @Test
    void atStartTheStoredCorporaAreBuiltInTheBackgroundAndEqualTheStore() throws Exception {
        RetrievalSettings settings = new RetrievalSettings(Retrieval.HYBRID, 1000, Long.MAX_VALUE);
        try (RocksCorpusStore store = new RocksCorpusStore(dir)) {
            apply(store, document("carol", 1, 3), document("chimes", 1, 2));
            apply(
                    store,
                    List.of(Chunk.upsert(
                            "austen", "emma", 1, 0, 1, "Emma Woodhouse, handsome, clever.", 8, unit(384))));
        }
        try (RocksCorpusStore store = new RocksCorpusStore(dir);
                RetrievalIndex index = RetrievalIndex.attach(store, settings)) {
            index.warmInBackground();
            apply(store, document("cricket", 1, 2)); // written while the warm-up may be reading
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!(index.isLoaded(CORPUS) && index.isLoaded("austen")) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(index.isLoaded(CORPUS) && index.isLoaded("austen"), "both corpora built without a question");
            assertSame(store, index, "a corpus built at start");
        }
    }

    @Test
    void aBuildReadingTheStoreHoldsUpNoWriteOfItsCorpus() throws Exception {
        RetrievalSettings settings = new RetrievalSettings(Retrieval.HYBRID, 1000, Long.MAX_VALUE);
        try (RocksCorpusStore store = new RocksCorpusStore(dir)) {
            apply(store, document("carol", 1, 3), document("chimes", 1, 2));
            CountDownLatch reading = new CountDownLatch(1);
            CountDownLatch resume = new CountDownLatch(1);
            try (RetrievalIndex index = RetrievalIndex.attach(pausingFirstRead(store, reading, resume), settings)) {
                CompletableFuture<IndexedPassages> build = CompletableFuture.supplyAsync(() -> index.passages(CORPUS));
                assertTrue(reading.await(10, TimeUnit.SECONDS), "the build reads the store");
                // the worker's poll loop writes a replace, a delete and a new document while the build reads
                CompletableFuture.runAsync(() -> {
                            apply(store, document("carol", 2, 4));
                            apply(store, List.of(Chunk.delete(CORPUS, "chimes", 2)));
                            apply(store, document("cricket", 1, 2));
                        })
                        .get(10, TimeUnit.SECONDS);
                assertFalse(build.isDone(), "the writes went through while the build was still reading");
                resume.countDown();
                build.get(30, TimeUnit.SECONDS);
                assertSame(store, index, "the build took the writes made while it read");
                apply(store, document("mugby", 1, 2));
                assertSame(store, index, "and the changes after it");
            } finally {
                resume.countDown();
            }
        }
    }

    /** The store, whose first {@code chunksAfter} waits for {@code resume} once it has told {@code reading}. */
    private static CorpusStore pausingFirstRead(CorpusStore store, CountDownLatch reading, CountDownLatch resume) {
        AtomicBoolean paused = new AtomicBoolean();
        return (CorpusStore) Proxy.newProxyInstance(
                CorpusStore.class.getClassLoader(), new Class<?>[] {CorpusStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("chunksAfter") && paused.compareAndSet(false, true)) {
                        reading.countDown();
                        resume.await();
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** Both parts of the corpus's index hold exactly the store's live passages. */
    private static void assertSame(RocksCorpusStore store, RetrievalIndex index, String when) {
        Set<Long> live = store.chunks(CORPUS).stream().map(StoredChunk::seq).collect(Collectors.toSet());
        IndexedPassages indexed = index.passages(CORPUS);
        assertEquals(live, indexed.lexical(), "BM25 passages, " + when);
        assertEquals(live, indexed.dense(), "vector passages, " + when);
    }

    private void apply(RocksCorpusStore store, List<Chunk> chunks) {
        offset += chunks.size();
        store.apply(new AppliedBatch(chunks, Map.of(P0, offset)));
    }

    @SafeVarargs
    private void apply(RocksCorpusStore store, List<Chunk>... documents) {
        List<Chunk> all = new ArrayList<>();
        for (List<Chunk> d : documents) {
            all.addAll(d);
        }
        apply(store, all);
    }

    private List<Chunk> document(String doc, long version, int count) {
        List<Chunk> chunks = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String text = doc + " version " + version + " passage " + i + " of the ghost story";
            chunks.add(Chunk.upsert(CORPUS, doc, version, i, count, text, 12, unit(384)));
        }
        return chunks;
    }

    private synchronized float[] unit(int dims) {
        float[] v = new float[dims];
        double norm = 0;
        for (int i = 0; i < dims; i++) {
            v[i] = (float) random.nextGaussian();
            norm += v[i] * v[i];
        }
        for (int i = 0; i < dims; i++) {
            v[i] /= (float) Math.sqrt(norm);
        }
        return v;
    }
}
