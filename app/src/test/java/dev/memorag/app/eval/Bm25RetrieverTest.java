package dev.memorag.app.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memorag.worker.store.StoredChunk;
import java.util.List;
import org.junit.jupiter.api.Test;

class Bm25RetrieverTest {
    private static final List<String> TEXTS = List.of(
            "The ferry carried flour and letters to the island every Tuesday.",
            "The lighthouse was painted crimson by its keeper in 1887.",
            "Gulls nested on the western cliffs of the island.",
            "Rain was gathered in a cistern beneath the cottage.",
            "The keeper's daughter kept a logbook of passing ships.");

    private static List<StoredChunk> chunks() {
        // seq runs backwards to show hits come back in corpus-stream (seq) order, not list or score order
        return java.util.stream.IntStream.range(0, TEXTS.size())
                .mapToObj(i -> new StoredChunk("doc", 1, i, TEXTS.size(), 100 - i, 10, TEXTS.get(i), new float[0]))
                .toList();
    }

    @Test
    void theOnlyPassageWithTheQuestionsRareTermsRanksInTheTopK() throws Exception {
        try (Bm25Retriever bm25 = new Bm25Retriever(chunks())) {
            List<StoredChunk> top1 = bm25.retrieve("What colour was the lighthouse painted?", 1);
            assertEquals(List.of(1), top1.stream().map(StoredChunk::index).toList());
        }
    }

    @Test
    void englishAnalysisStemsSoPluralsAndVerbFormsMatch() throws Exception {
        try (Bm25Retriever bm25 = new Bm25Retriever(chunks())) {
            // "cisterns" and "gathering" only match "cistern" and "gathered" after stemming
            assertEquals(List.of(3), bm25.retrieve("cisterns for gathering", 1).stream()
                    .map(StoredChunk::index).toList());
        }
    }

    @Test
    void hitsComeBackInCorpusStreamOrderAndAtMostK() throws Exception {
        try (Bm25Retriever bm25 = new Bm25Retriever(chunks())) {
            List<StoredChunk> hits = bm25.retrieve("island keeper", 3);
            assertEquals(3, hits.size());
            for (int i = 1; i < hits.size(); i++) {
                assertTrue(hits.get(i - 1).seq() < hits.get(i).seq(), "ordered by seq: " + hits);
            }
            assertTrue(hits.stream().allMatch(h -> h.text().contains("island") || h.text().contains("keeper")),
                    "every hit holds a query term");
        }
    }

    @Test
    void aQuestionOfStopWordsOnlyFindsNothing() throws Exception {
        try (Bm25Retriever bm25 = new Bm25Retriever(chunks())) {
            assertEquals(List.of(), bm25.retrieve("what was the", 3));
        }
    }
}
