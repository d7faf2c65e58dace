package dev.memorag.worker.recall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SentenceScorerTest {

    private static float[] same(int n) {
        float[] s = new float[n];
        java.util.Arrays.fill(s, 0.5f);
        return s;
    }

    private static int best(double[] scores) {
        int best = 0;
        for (int i = 1; i < scores.length; i++) {
            if (scores[i] > scores[best]) {
                best = i;
            }
        }
        return best;
    }

    @Test
    void rareQuestionTermsWeighMoreThanOnesEverySentenceShares() {
        List<String> sentences = List.of(
                "Bob Cratchit had fifteen shillings a week.",
                "Mrs. Cratchit made the gravy.",
                "The Cratchit children loved the pudding.",
                "Tiny Tim bore a little crutch.");
        double[] scores = new SentenceScorer("Which of the Cratchit children walks with a little crutch?", List.of())
                .scores(sentences, same(4));
        assertEquals(
                3, best(scores), "two rare terms beat a rare and a common one: " + java.util.Arrays.toString(scores));
    }

    @Test
    void theSentenceCoveringTheQuestionBeatsOneThatOnlySharesItsTopic() {
        List<String> sentences = List.of(
                "Ghosts and spirits haunted the old house on Christmas Eve.",
                "Marley had been dead seven years when his ghost came to Scrooge.");
        String question = "How many years had Marley been dead when his ghost visited Scrooge?";
        double[] scores = new SentenceScorer(question, List.of()).scores(sentences, new float[] {0.9f, 0.6f});
        assertEquals(1, best(scores), "coverage outweighs a closer embedding: " + java.util.Arrays.toString(scores));
    }

    @Test
    void aSentenceWithAWordOfTheAnswersShapeBeatsOneThatRestatesTheQuestion() {
        List<String> counted =
                List.of("Marley had been dead for years, and Scrooge knew it.", "Marley had been dead seven years.");
        assertEquals(
                1,
                best(new SentenceScorer("How many years had Marley been dead?", List.of()).scores(counted, same(2))),
                "a number for 'how many'");
        List<String> named =
                List.of("Scrooge sent the turkey off in a cab.", "Scrooge sent the turkey to Camden Town.");
        assertEquals(
                1,
                best(new SentenceScorer("Where did Scrooge send the turkey?", List.of()).scores(named, same(2))),
                "a name the question does not hold for 'where'");
    }

    @Test
    void cluesBreakWhatTheQuestionAloneCannot() {
        List<String> sentences = List.of("The turkey was eaten at the feast.", "The turkey was carried to the cab.");
        String question = "What happened to the turkey?";
        double[] alone = new SentenceScorer(question, List.of()).scores(sentences, same(2));
        assertEquals(alone[0], alone[1], 1e-9, "a tie on the question's words");
        double[] withClue = new SentenceScorer(question, List.of(question, "The turkey went away in a cab"))
                .scores(sentences, same(2));
        assertEquals(1, best(withClue));
        assertTrue(withClue[1] > alone[1], "a clue's term adds to the score");
    }

    @Test
    void embeddingSimilaritySeparatesSentencesTheWordsCannot() {
        List<String> sentences = List.of("It was cold.", "It was bleak.");
        assertEquals(1, best(new SentenceScorer("What was the weather like?", List.of()).scores(sentences, new float[] {
                    0.4f, 0.7f
                })));
    }

    @Test
    void laterChoicesGoToSentencesThatAddToTheFirstRatherThanRepeatIt() {
        List<String> sentences = List.of(
                "Do you know whether they've sold the prize turkey that was hanging there?",
                "Not the little prize turkey: the big one?",
                "'I'll send it to Bob Cratchit's,' whispered Scrooge.",
                "The boy was off like a shot.",
                "The hand in which he wrote the address was not a steady one.",
                "'Why, it's impossible to carry that to Camden Town,' said Scrooge.");
        SentenceScorer scorer =
                new SentenceScorer("To which part of London did Scrooge send the prize turkey?", List.of());
        // the sentences about the prize turkey are closest to the question in embedding space too
        float[] similarities = {0.8f, 0.6f, 0.7f, 0.2f, 0.2f, 0.4f};
        double[] alone = scorer.scores(sentences, similarities);
        assertTrue(
                alone[1] > alone[5], "alone, the repetition outscores the answer: " + java.util.Arrays.toString(alone));
        List<Integer> chosen = java.util.Arrays.stream(scorer.choose(sentences, similarities, 3))
                .boxed()
                .toList();
        assertEquals(best(alone), chosen.get(0), "the first choice is the best-scored sentence");
        assertEquals(
                java.util.Set.of(0, 2, 5),
                java.util.Set.copyOf(chosen),
                "what was sent, where it was sent, and a name: the repetition of the first is left out");
    }
}
