package dev.memorag.worker.retrieval;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.memorag.schemas.Question.Retrieval;
import dev.memorag.worker.store.RocksCorpusStore;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HNSW against exact search on 100 000 clustered unit vectors of bge's 384 dimensions: recall@10 at least 0.95.
 * Building the graph takes minutes on two cores, so this runs with the benchmarks ({@code -Dmemorag.bench=true}).
 */
class AnnRecallTest {
    private static final int PASSAGES = 100_000;
    private static final int QUERIES = 200;
    private static final int K = 10;

    @TempDir
    Path dir;

    @Test
    void hnswFindsAtLeast95PercentOfTheExactTop10() {
        assumeTrue(Boolean.getBoolean("memorag.bench"), "benchmark: run with -Dmemorag.bench=true");
        SyntheticCorpus corpus = new SyntheticCorpus(new Random(5), 384, 1000);
        try (RocksCorpusStore store = new RocksCorpusStore(dir)) {
            corpus.store(store, "synthetic", PASSAGES);
            List<float[]> queries = corpus.queries(QUERIES);
            try (RetrievalIndex exact = RetrievalIndex.attach(
                            store, new RetrievalSettings(Retrieval.DENSE, PASSAGES + 1, Long.MAX_VALUE));
                    RetrievalIndex ann = RetrievalIndex.attach(
                            store, new RetrievalSettings(Retrieval.DENSE, PASSAGES, Long.MAX_VALUE))) {
                long start = System.nanoTime();
                assertFalse(exact.passages("synthetic").approximate(), "below its threshold: exact");
                long exactBuild = System.nanoTime() - start;
                start = System.nanoTime();
                assertTrue(ann.passages("synthetic").approximate(), "at its threshold: HNSW");
                long annBuild = System.nanoTime() - start;
                int found = 0;
                for (float[] query : queries) {
                    Set<Long> truth =
                            seqs(exact.search("synthetic", Retrieval.DENSE, List.of("q"), new float[][] {query}, K));
                    Set<Long> got =
                            seqs(ann.search("synthetic", Retrieval.DENSE, List.of("q"), new float[][] {query}, K));
                    got.retainAll(truth);
                    found += got.size();
                }
                double recall = found / (double) (QUERIES * K);
                System.out.printf(
                        "ANN recall@%d over %d queries on %d passages: %.4f (exact build %d ms, HNSW build "
                                + "%d ms)%n",
                        K, QUERIES, PASSAGES, recall, exactBuild / 1_000_000, annBuild / 1_000_000);
                assertTrue(recall >= 0.95, "recall@10 " + recall);
            }
        }
    }

    private static Set<Long> seqs(List<ScoredChunk> hits) {
        Set<Long> out = new HashSet<>();
        hits.forEach(h -> out.add(h.chunk().seq()));
        return out;
    }
}
