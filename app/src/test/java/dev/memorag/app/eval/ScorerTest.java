package dev.memorag.app.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The metrics on hand-computed cases (score.py's self-test cases among them). */
class ScorerTest {

    @Test
    void normalizationLowersCaseDropsAsciiPunctuationAndArticlesAndCollapsesWhitespace() {
        assertEquals("fifteen shillings", Scorer.normalize("The  Fifteen shillings!"));
        assertEquals("chain i forged in life", Scorer.normalize("the chain I forged in life."));
        assertEquals("tobe ornot", Scorer.normalize("to_be or-not"));
        assertEquals("thethe athe", Scorer.normalize("the thethe a athe"), "only whole-word articles go");
        assertEquals("scrooge’s", Scorer.normalize("Scrooge’s"), "a curly apostrophe is not ASCII punctuation");
        assertEquals("apple pie", Scorer.normalize("An\u00a0apple\tpie"), "no-break space separates tokens");
    }

    @Test
    void f1IsTokenOverlapHarmonicMean() {
        assertEquals(1.0, Scorer.f1("the Fifteen shillings!", "fifteen shillings"));
        // old joe fence vs old joe: precision 2/3, recall 1 -> 0.8
        assertEquals(0.8, Scorer.f1("old Joe the fence", "old Joe"), 1e-12);
        // repeated tokens count once per gold occurrence: seven seven years vs seven years: P 2/3, R 1 -> 0.8
        assertEquals(0.8, Scorer.f1("seven seven years", "seven years"), 1e-12);
        assertEquals(0.0, Scorer.f1("nothing", "Belle"));
        assertEquals(1.0, Scorer.f1("a the", "an"), "both empty after normalization: equal");
        assertEquals(0.0, Scorer.f1("", "Belle"));
    }

    @Test
    void bestScoresTakeTheBestGoldAnswer() {
        List<String> golds = List.of("old Joe", "Joe");
        // joe vs old joe: P 1, R 1/2 -> 2/3; joe vs joe: 1
        assertEquals(1.0, Scorer.bestF1("Joe", golds));
        assertEquals(1.0, Scorer.bestExactMatch("joe.", golds));
        assertEquals(0.0, Scorer.bestExactMatch("old Joe the fence", golds));
        assertEquals(0.0, Scorer.bestF1("anything", List.of()));
    }

    @Test
    void anAnswerHoldsGoldWhenANormalizedGoldAnswerOccursInIt() {
        assertEquals(1.0, Scorer.holdsGold("He sent it to Camden Town, by cab.", List.of("camden town")));
        assertEquals(1.0, Scorer.holdsGold("Marley had been dead these SEVEN years.", List.of("Seven years", "7")));
        assertEquals(0.0, Scorer.holdsGold("Bob Cratchit's house", List.of("Camden Town")));
        assertEquals(0.0, Scorer.holdsGold("", List.of("Tiny Tim")));
    }

    @Test
    void answerRecallLooksForANormalizedGoldAnswerInTheEvidence() {
        assertEquals(1.0, Scorer.answerRecall("... met Dick Wilkins there ...", List.of("dick wilkins")));
        assertEquals(
                1.0,
                Scorer.answerRecall("MET DICK, WILKINS!", List.of("Dick Wilkins")),
                "punctuation between the words is gone after normalization");
        assertEquals(0.0, Scorer.answerRecall("no such name", List.of("Topper")));
        assertEquals(
                0.0,
                Scorer.answerRecall("anything at all", List.of("the", "")),
                "a gold answer that normalizes to nothing matches nothing");
    }
}
