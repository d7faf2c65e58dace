package dev.memorag.worker.retrieval;

import static org.junit.jupiter.api.Assertions.assertFalse;
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

/**
 * A question whose answer is in two passages: one shares only a rare exact term with it (a part number), the other
 * only its meaning (a paraphrase with no word in common). Real bge-small vectors, a real store.
 */
class HybridRetrievalTest {
    private static final String QUESTION = "My engine runs too hot. What should I do with part QX-7731?";
    private static final String LEXICAL = "lexical";
    private static final String SEMANTIC = "semantic";
    /** Document id → text; besides the two answers, passages close in meaning that share no word with the question. */
    private static final Map<String, String> PASSAGES = Map.of(
            LEXICAL,
            "Item QX-7731 is stocked on shelf nine of the warehouse.",
            SEMANTIC,
            "When a motor overheats, switch it off and let it cool down for twenty minutes before "
                    + "checking the coolant.",
            "radiator",
            "Overheating vehicles often have a broken radiator fan or low coolant levels.",
            "thermostat",
            "A car that gets very warm on long drives may need its thermostat replaced.",
            "mechanics",
            "Mechanics recommend checking the cooling system before summer road trips.",
            "bakery",
            "The bakery sells fresh bread and pastries every morning.",
            "concert",
            "Tickets for the concert sold out within minutes.");

    private static final int TOP_K = 3;

    @TempDir
    Path dir;

    @Test
    void hybridFindsBothTheExactTermAndTheParaphraseWhereEachAloneMissesOne() {
        Embedder embedder = Embedder.shared();
        List<String> docs = new ArrayList<>(PASSAGES.keySet());
        float[][] vectors = embedder.embed(docs.stream().map(PASSAGES::get).toList());
        List<Chunk> chunks = new ArrayList<>();
        for (int i = 0; i < docs.size(); i++) {
            chunks.add(Chunk.upsert("garage", docs.get(i), 1, 0, 1, PASSAGES.get(docs.get(i)), 20, vectors[i]));
        }
        float[][] question = embedder.embed(List.of(QUESTION));
        try (RocksCorpusStore store = new RocksCorpusStore(dir);
                RetrievalIndex index = RetrievalIndex.attach(store, RetrievalSettings.defaults())) {
            store.apply(new AppliedBatch(chunks, Map.of(new TopicPartition("memorag.chunks", 0), 7L)));

            List<String> dense = found(index, Retrieval.DENSE, question);
            List<String> bm25 = found(index, Retrieval.BM25, question);
            List<String> hybrid = found(index, Retrieval.HYBRID, question);

            assertTrue(dense.contains(SEMANTIC), "dense finds the paraphrase: " + dense);
            assertFalse(dense.contains(LEXICAL), "dense misses the part number: " + dense);
            assertTrue(bm25.contains(LEXICAL), "BM25 finds the part number: " + bm25);
            assertFalse(bm25.contains(SEMANTIC), "BM25 misses the paraphrase: " + bm25);
            assertTrue(hybrid.contains(LEXICAL) && hybrid.contains(SEMANTIC), "hybrid finds both: " + hybrid);
        }
    }

    private static List<String> found(RetrievalIndex index, Retrieval mode, float[][] question) {
        return index.search("garage", mode, List.of(QUESTION), question, TOP_K).stream()
                .map(hit -> hit.chunk().doc())
                .toList();
    }
}
