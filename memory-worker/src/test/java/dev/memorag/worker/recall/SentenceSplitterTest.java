package dev.memorag.worker.recall;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class SentenceSplitterTest {

    @Test
    void sentencesKeepTheirOffsetsInThePassageAndATitleDoesNotEndOne() {
        String passage = "  Then up rose Mrs.\nCratchit, dressed out   but poorly.\n\n‘Tiny Tim 🎄 bore a crutch.’ ";
        List<Sentence> sentences = SentenceSplitter.split(4, passage);
        assertEquals(
                List.of("Then up rose Mrs. Cratchit, dressed out but poorly.", "‘Tiny Tim 🎄 bore a crutch.’"),
                sentences.stream().map(Sentence::text).toList());
        for (Sentence s : sentences) {
            assertEquals(4, s.passage());
            assertEquals(
                    s.text(),
                    passage.substring(s.start(), s.end()).replaceAll("\\s+", " "),
                    "the offsets hold the sentence, only its whitespace folded");
        }
        assertEquals(passage.indexOf("Then"), sentences.get(0).start());
        assertEquals(passage.indexOf("’ ") + 1, sentences.get(1).end());
    }
}
