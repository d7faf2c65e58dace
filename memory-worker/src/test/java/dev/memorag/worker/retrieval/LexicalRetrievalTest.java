package dev.memorag.worker.retrieval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memorag.embedding.Embedder;
import dev.memorag.schemas.Chunk;
import dev.memorag.schemas.Question.Retrieval;
import dev.memorag.worker.store.AppliedBatch;
import dev.memorag.worker.store.RocksCorpusStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker's {@code bm25} retrieval: Lucene BM25 with English analysis over a corpus's stored passages. */
class LexicalRetrievalTest {
    private static final String CORPUS = "island";
    private static final List<String> TEXTS = List.of(
            "The ferry carried flour and letters to the island every Tuesday.",
            "The lighthouse was painted crimson by its keeper in 1887.",
            "Gulls nested on the western cliffs of the island.",
            "Rain was gathered in a cistern beneath the cottage.",
            "The keeper's daughter kept a logbook of passing ships.");

    @TempDir
    Path dir;

    @Test
    void bm25RanksRareTermsStemsReturnsCorpusOrderAndFindsNothingForStopWords() {
        List<Chunk> chunks = new ArrayList<>();
        float[] vector = new float[Embedder.DIMENSIONS]; // bm25 never reads it
        vector[0] = 1;
        for (int i = 0; i < TEXTS.size(); i++) {
            chunks.add(Chunk.upsert(CORPUS, "doc-" + i, 1, 0, 1, TEXTS.get(i), 10, vector));
        }
        try (RocksCorpusStore store = new RocksCorpusStore(dir);
                RetrievalIndex index = RetrievalIndex.attach(store, RetrievalSettings.defaults())) {
            store.apply(new AppliedBatch(chunks, Map.of(new TopicPartition("memorag.chunks", 0), 5L)));

            assertEquals(
                    List.of("doc-1"),
                    found(index, "What colour was the lighthouse painted?", 1),
                    "the only passage with the question's rare terms ranks first");
            assertEquals(
                    List.of("doc-3"),
                    found(index, "cisterns for gathering", 1),
                    "'cisterns' and 'gathering' only match 'cistern' and 'gathered' after stemming");

            List<ScoredChunk> hits =
                    index.search(CORPUS, Retrieval.BM25, List.of("island keeper"), new float[][] {vector}, 3);
            assertEquals(3, hits.size(), "at most k hits, here k");
            for (int i = 1; i < hits.size(); i++) {
                assertTrue(hits.get(i - 1).chunk().seq() < hits.get(i).chunk().seq(), "in corpus order: " + hits);
            }
            assertTrue(
                    hits.stream()
                            .map(h -> h.chunk().text())
                            .allMatch(t -> t.contains("island") || t.contains("keeper")),
                    "every hit holds a query term");

            assertEquals(List.of(), found(index, "what was the", 3), "a question of stop words only finds nothing");
        }
    }

    private static List<String> found(RetrievalIndex index, String question, int k) {
        float[] vector = new float[Embedder.DIMENSIONS];
        return index.search(CORPUS, Retrieval.BM25, List.of(question), new float[][] {vector}, k).stream()
                .map(hit -> hit.chunk().doc())
                .toList();
    }
}
