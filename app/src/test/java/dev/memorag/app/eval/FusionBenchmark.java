package dev.memorag.app.eval;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.memorag.embedding.Embedder;
import dev.memorag.ingest.chunking.Passage;
import dev.memorag.ingest.chunking.SentenceChunker;
import dev.memorag.schemas.Chunk;
import dev.memorag.schemas.Question.Retrieval;
import dev.memorag.worker.retrieval.RetrievalIndex;
import dev.memorag.worker.retrieval.RetrievalSettings;
import dev.memorag.worker.retrieval.ScoredChunk;
import dev.memorag.worker.store.AppliedBatch;
import dev.memorag.worker.store.RocksCorpusStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reciprocal-rank fusion against weighted sums of min-max-normalized scores, on LongBench-format data: each example's
 * context chunked as the service chunks it (512 retriever tokens), embedded with bge-small, stored in RocksDB and
 * indexed by the worker's {@link RetrievalIndex}; the question's dense and BM25 rankings (50 deep, what hybrid
 * fuses) are taken from it and fused here each way. Reports per fusion the share of questions whose gold answer is in
 * the top 1, 3 and 5 passages, and the mean reciprocal rank of the first passage holding it. Skipped unless
 * -Dmemorag.bench=true; data from -Dmemorag.bench.eval (default the dev set next to the project).
 */
class FusionBenchmark {
    private static final int DEPTH = 50;
    private static final int[] CUTOFFS = {1, 3, 5};

    @TempDir
    Path dir;

    @Test
    void fusions() throws Exception {
        assumeTrue(Boolean.getBoolean("memorag.bench"), "benchmark: run with -Dmemorag.bench=true");
        Path data =
                Path.of(System.getProperty("memorag.bench.eval", "../../shared/data/eval-dev/christmas-carol.jsonl"));
        List<EvalExample> examples = EvalReader.read(List.of(data), Set.of(), Integer.MAX_VALUE);
        Embedder embedder = Embedder.shared();
        Map<String, Function<Rankings, List<Long>>> fusions = new LinkedHashMap<>();
        fusions.put("rrf k=60", r -> reciprocalRank(r, 60));
        for (double w : new double[] {0.3, 0.5, 0.7}) {
            fusions.put("weighted dense " + w, r -> weighted(r, w));
        }
        fusions.put(
                "dense only",
                r -> r.dense().stream()
                        .map(ScoredChunk::chunk)
                        .map(c -> c.seq())
                        .toList());
        fusions.put(
                "bm25 only",
                r -> r.bm25().stream().map(ScoredChunk::chunk).map(c -> c.seq()).toList());
        Map<String, double[]> totals = new LinkedHashMap<>();
        fusions.keySet().forEach(f -> totals.put(f, new double[CUTOFFS.length + 1]));

        try (RocksCorpusStore store = new RocksCorpusStore(dir);
                RetrievalIndex index = RetrievalIndex.attach(store, RetrievalSettings.defaults())) {
            Map<String, Map<Long, String>> texts = new HashMap<>();
            long offset = 0;
            for (EvalExample example : examples) {
                if (texts.containsKey(example.corpus())) {
                    continue;
                }
                List<Passage> passages = new SentenceChunker(512).split(example.context(), embedder::countTokens);
                float[][] vectors =
                        embedder.embed(passages.stream().map(Passage::text).toList());
                List<Chunk> chunks = new ArrayList<>();
                for (int i = 0; i < passages.size(); i++) {
                    Passage p = passages.get(i);
                    chunks.add(Chunk.upsert(
                            example.corpus(),
                            "context",
                            1,
                            i,
                            passages.size(),
                            p.text(),
                            p.tokenCount(),
                            vectors[i],
                            p.start(),
                            p.end()));
                }
                store.apply(new AppliedBatch(chunks, Map.of(new TopicPartition("memorag.chunks", 0), ++offset)));
                Map<Long, String> bySeq = new HashMap<>();
                store.chunks(example.corpus()).forEach(c -> bySeq.put(c.seq(), c.text()));
                texts.put(example.corpus(), bySeq);
            }
            for (EvalExample example : examples) {
                float[][] vector = embedder.embed(List.of(example.question()));
                List<String> clue = List.of(example.question());
                Rankings rankings = new Rankings(
                        byScore(index.search(example.corpus(), Retrieval.DENSE, clue, vector, DEPTH)),
                        byScore(index.search(example.corpus(), Retrieval.BM25, clue, vector, DEPTH)));
                for (Map.Entry<String, Function<Rankings, List<Long>>> fusion : fusions.entrySet()) {
                    List<Long> ranked = fusion.getValue().apply(rankings);
                    int first = -1;
                    for (int rank = 0; rank < ranked.size() && first < 0; rank++) {
                        String text = texts.get(example.corpus()).get(ranked.get(rank));
                        if (Scorer.answerRecall(text, example.answers()) == 1.0) {
                            first = rank;
                        }
                    }
                    double[] t = totals.get(fusion.getKey());
                    for (int c = 0; c < CUTOFFS.length; c++) {
                        t[c] += first >= 0 && first < CUTOFFS[c] ? 1 : 0;
                    }
                    t[CUTOFFS.length] += first >= 0 ? 1.0 / (first + 1) : 0;
                }
            }
        }
        StringBuilder report = new StringBuilder(
                "| fusion | in top 1 | in top 3 | in top 5 | MRR@" + DEPTH + " |\n" + "|---|---:|---:|---:|---:|\n");
        totals.forEach((name, t) -> report.append(String.format(
                "| %s | %.1f | %.1f | %.1f | %.3f |%n",
                name,
                100 * t[0] / examples.size(),
                100 * t[1] / examples.size(),
                100 * t[2] / examples.size(),
                t[3] / examples.size())));
        report.append(examples.size()).append(" questions from ").append(data).append('\n');
        System.out.print(report);
        Files.writeString(Path.of("target/benchmark-fusion.txt"), report);
    }

    /** One question's rankings, best first. */
    private record Rankings(List<ScoredChunk> dense, List<ScoredChunk> bm25) {}

    private static List<ScoredChunk> byScore(List<ScoredChunk> hits) {
        return hits.stream().sorted(Comparator.comparingDouble(h -> -h.score())).toList();
    }

    private static List<Long> reciprocalRank(Rankings r, int k) {
        Map<Long, Double> scores = new HashMap<>();
        for (List<ScoredChunk> ranking : List.of(r.dense(), r.bm25())) {
            for (int rank = 0; rank < ranking.size(); rank++) {
                scores.merge(ranking.get(rank).chunk().seq(), 1.0 / (k + rank + 1), Double::sum);
            }
        }
        return ranked(scores);
    }

    /** {@code w} times the min-max-normalized dense score plus {@code 1 - w} times the normalized BM25 score. */
    private static List<Long> weighted(Rankings r, double w) {
        Map<Long, Double> scores = new HashMap<>();
        addNormalized(scores, r.dense(), w);
        addNormalized(scores, r.bm25(), 1 - w);
        return ranked(scores);
    }

    private static void addNormalized(Map<Long, Double> scores, List<ScoredChunk> ranking, double weight) {
        double max = ranking.stream().mapToDouble(ScoredChunk::score).max().orElse(0);
        double min = ranking.stream().mapToDouble(ScoredChunk::score).min().orElse(0);
        for (ScoredChunk hit : ranking) {
            double normalized = max > min ? (hit.score() - min) / (max - min) : 1;
            scores.merge(hit.chunk().seq(), weight * normalized, Double::sum);
        }
    }

    private static List<Long> ranked(Map<Long, Double> scores) {
        return scores.entrySet().stream()
                .sorted(Map.Entry.<Long, Double>comparingByValue().reversed())
                .map(Map.Entry::getKey)
                .toList();
    }
}
