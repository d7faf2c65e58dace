package dev.memorag.worker.retrieval;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.memorag.schemas.Question.Retrieval;
import dev.memorag.worker.bench.BenchLog;
import dev.memorag.worker.recall.DenseRetriever;
import dev.memorag.worker.store.RocksCorpusStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retrieval latency in one corpus of 1 000, 10 000 and 100 000 passages (synthetic: clustered 384-dim unit vectors,
 * 200-word texts), with one clue and with four, top 3 per clue: what a question cost before the index (decode every
 * stored passage, {@code store.chunks}, then exact search, {@code DenseRetriever}) beside the index's dense, bm25
 * and hybrid search, at the default ANN threshold (exact vectors at 1 000 and 10 000, HNSW at 100 000). Also the
 * index's build time from the store and its heap per passage. Skipped unless -Dmemorag.bench=true; lines go to
 * stdout and target/benchmark-retrieval.txt.
 */
class RetrievalBenchmark {
    private static final BenchLog LOG = new BenchLog(Path.of("target/benchmark-retrieval.txt"));
    private static final String CORPUS = "synthetic";
    private static final int TOP_K = 3;

    @TempDir
    Path dir;

    @Test
    void fullDecodeVersusIndex() {
        assumeTrue(Boolean.getBoolean("memorag.bench"), "benchmark: run with -Dmemorag.bench=true");
        int[] sizes = Arrays.stream(System.getProperty("memorag.bench.sizes", "1000,10000,100000")
                        .split(","))
                .mapToInt(Integer::parseInt)
                .toArray();
        LOG.report("retrieval latency, top %d per clue, load average at start: %s", TOP_K, BenchLog.loadAverage());
        SyntheticCorpus corpus = new SyntheticCorpus(new Random(7), 384, 1000);
        List<float[]> vectors = corpus.queries(4 * 50);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 4 * 50; i++) {
            texts.add(corpus.clue(12));
        }
        DenseRetriever fullScan = new DenseRetriever();
        try (RocksCorpusStore store = new RocksCorpusStore(dir)) {
            int stored = 0;
            for (int size : sizes) {
                corpus.store(store, CORPUS, size - stored);
                stored = size;
                try (RetrievalIndex index = RetrievalIndex.attach(store, RetrievalSettings.defaults())) {
                    long heapBefore = usedHeap();
                    long t0 = System.nanoTime();
                    IndexedPassages built = index.passages(CORPUS);
                    double buildSeconds = BenchLog.seconds(t0);
                    long heap = usedHeap() - heapBefore;
                    LOG.report(
                            "%d passages: index built from the store in %.1f s (vectors %s); heap %.0f bytes per "
                                    + "passage measured, %.0f estimated by the index",
                            size,
                            buildSeconds,
                            built.approximate() ? "HNSW" : "exact",
                            heap / (double) size,
                            index.ramBytes() / (double) size);
                    for (int clues : new int[] {1, 4}) {
                        int reps = size >= 100_000 ? 10 : 30;
                        report(
                                size,
                                clues,
                                "full decode + exact (before)",
                                reps,
                                q -> fullScan.retrieve(store.chunks(CORPUS), queries(vectors, q, clues), TOP_K));
                        for (Retrieval mode : Retrieval.values()) {
                            report(
                                    size,
                                    clues,
                                    "index " + mode.wire(),
                                    50,
                                    q -> index.search(
                                            CORPUS,
                                            mode,
                                            texts.subList(q * clues % 196, q * clues % 196 + clues),
                                            queries(vectors, q, clues),
                                            TOP_K));
                        }
                    }
                }
            }
        }
    }

    private static float[][] queries(List<float[]> vectors, int q, int clues) {
        int from = q * clues % (vectors.size() - 4);
        return vectors.subList(from, from + clues).toArray(new float[0][]);
    }

    /** Times {@code reps} questions after a few untimed ones, and reports p50 and p99 in milliseconds. */
    private static void report(int size, int clues, String what, int reps, IntConsumer question) {
        for (int q = 0; q < 3; q++) {
            question.accept(q);
        }
        double[] millis = new double[reps];
        for (int q = 0; q < reps; q++) {
            long t0 = System.nanoTime();
            question.accept(q + 3);
            millis[q] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(millis);
        LOG.report(
                "%7d passages, %d clue%s, %-29s p50 %8.2f ms  p99 %8.2f ms  (%d questions)",
                size,
                clues,
                clues == 1 ? " " : "s",
                what,
                millis[reps / 2],
                millis[Math.min(reps - 1, (int) Math.ceil(reps * 0.99) - 1)],
                reps);
    }

    private static long usedHeap() {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
