package dev.memorag.ingest.chunking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memorag.embedding.Embedder;
import java.util.List;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.Test;

class SentenceChunkerTest {
    private final ToIntFunction<String> tokens = Embedder.shared()::countTokens;

    @Test
    void packsWholeSentencesUnderTheBudgetAndKeepsAllText() {
        String text = "Marley was dead: to begin with. There is no doubt whatever about that. "
                + "The register of his burial was signed by the clergyman. Scrooge signed it. "
                + "Old Marley was as dead as a door-nail.";
        List<Passage> passages = new SentenceChunker(20).split(text, tokens);
        assertTrue(passages.size() > 1);
        for (Passage p : passages) {
            assertTrue(p.tokenCount() <= 20, p::toString);
            assertEquals(tokens.applyAsInt(p.text()), p.tokenCount(), 2.0, "token count matches the tokenizer");
            assertTrue(p.text().endsWith(".") || p.text().endsWith(":"), () -> "cut at a sentence end: " + p);
        }
        assertEquals(
                text.replace(" ", ""),
                String.join("", passages.stream().map(Passage::text).toList()).replace(" ", ""),
                "no text lost or duplicated");
    }

    @Test
    void cutsOverlongSentencesAtWordBoundaries() {
        String text = "word ".repeat(100).strip() + ".";
        List<Passage> passages = new SentenceChunker(16).split(text, tokens);
        assertTrue(passages.size() >= 6);
        assertTrue(passages.stream()
                .allMatch(p -> p.tokenCount() <= 16 && !p.text().contains("wo rd")));
    }

    @Test
    void eachPassageIsExactlyTheDocumentTextBetweenItsOffsets() {
        String text = "\n  Café Noël — «naïve» 😀 ghosts.\r\n\r\n‘Mr. Marley has been dead these seven years,’ "
                + "Scrooge replied.\n\t" + "über ".repeat(60) + "end.\n\n  Tiny Tim bore a crutch. \u2028 ";
        List<Passage> passages = new SentenceChunker(16).split(text, tokens);
        assertTrue(passages.size() > 4, passages::toString);
        int previousEnd = 0;
        for (Passage p : passages) {
            assertEquals(text.substring(p.start(), p.end()), p.text());
            assertEquals(p.text().strip(), p.text(), "no whitespace at either end");
            assertTrue(p.start() >= previousEnd, "passages in order, not overlapping");
            assertTrue(text.substring(previousEnd, p.start()).isBlank(), "only whitespace between passages");
            previousEnd = p.end();
        }
        assertTrue(text.substring(previousEnd).isBlank(), "nothing lost at the end");
    }

    @Test
    void refusesATinyBudget() {
        assertThrows(IllegalArgumentException.class, () -> new SentenceChunker(2));
    }
}
