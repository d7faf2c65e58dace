package dev.memorag.embedding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class EmbedderTest {
    private final Embedder embedder = Embedder.shared();

    @Test
    void embedsNormalizedVectorsWhereTheAnsweringPassageRanksFirst() {
        float[][] passages = embedder.embed(List.of(
                "Marley was dead: to begin with. There is no doubt whatever about that.",
                "The stock market closed higher on Tuesday after strong earnings reports.",
                "Preheat the oven to 200 degrees and knead the dough for ten minutes."));
        float[] question = embedder.embed(List.of("Who was dead at the beginning of the story?"))[0];
        assertEquals(Embedder.DIMENSIONS, question.length);
        assertEquals(1.0, Embedder.dot(question, question), 1e-4);
        float best = Embedder.dot(question, passages[0]);
        assertTrue(
                best > Embedder.dot(question, passages[1]) && best > Embedder.dot(question, passages[2]),
                "the passage about Marley answers the question");
    }

    @Test
    void countsWordPieceTokensWithoutSpecialTokens() {
        assertEquals(0, embedder.countTokens(""));
        assertEquals(3, embedder.countTokens("marley was dead"));
        assertTrue(embedder.countTokens("Ebenezer Scrooge") > 2, "rare names split into word pieces");
    }
}
