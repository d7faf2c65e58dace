package dev.memorag.worker.recall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memorag.embedding.Embedder;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ExtractiveGeneratorTest {
    @Test
    void fragmentsAndRepeatsGiveWayToWholeSentences() {
        assertEquals(
                List.of("It's impossible to carry that to Camden Town.", "Scrooge paid for the turkey gladly."),
                ExtractiveGenerator.candidates(List.of(
                                "'Ha!' said Scrooge. It's impossible to carry that to Camden " + "Town.",
                                "Said Scrooge. Scrooge paid for the turkey gladly. Said Scrooge."))
                        .stream()
                        .map(Sentence::text)
                        .toList());
        assertEquals(
                List.of("said Scrooge.", "Ha!"),
                ExtractiveGenerator.candidates(List.of("said Scrooge. Ha!")).stream()
                        .map(Sentence::text)
                        .toList(),
                "fragments when nothing else exists");
    }

    @Test
    void answersWithTheCoveringSentenceAndSaysWhereEachQuotedSentenceStands() {
        Embedder embedder = Embedder.shared();
        List<String> evidence = List.of(
                "The Cratchit children were everywhere at once.\nThey loved the pudding, and the goose.",
                "So Martha hid herself. Alas for Tiny Tim, he bore a\nlittle crutch, and had his limbs supported by "
                        + "an iron frame!",
                "Bob Cratchit came home from church. The Cratchits drank a toast to Mr. Scrooge.");
        String question = "Which of the Cratchit children walks with a little crutch?";
        AnswerGenerator.Generated answer = new ExtractiveGenerator(embedder, 2)
                .extract(question, List.of(question), embedder.embed(List.of(question))[0], evidence);

        assertTrue(answer.text().contains("Tiny Tim, he bore a little crutch"), answer::text);
        assertEquals(2, answer.quoted().size());
        assertEquals(
                answer.text(),
                answer.quoted().stream()
                        .map(s -> evidence.get(s.passage())
                                .substring(s.start(), s.end())
                                .replaceAll("\\s+", " "))
                        .collect(Collectors.joining(" ")),
                "the quoted sentences, in corpus order, are the answer");
    }
}
