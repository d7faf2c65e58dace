package dev.memorag.worker.recall;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Scores candidate answer sentences for a question. The main part is how much of the question's content a sentence
 * covers, each term weighted by its inverse sentence frequency over the candidates, so a rare word ("crutch")
 * counts more than one every sentence shares ("Scrooge"); the clues' terms count half as much. Embedding
 * similarity to the question separates sentences the words cannot, and a sentence bringing a word of the shape the
 * answer needs (a number for "how many", a name for "which") gets a small lift over one that restates the question.
 */
final class SentenceScorer {
    // Coverage of the question leads; the rest order sentences it leaves close (set on the demo questions).
    private static final double CLUE_WEIGHT = 0.5;
    private static final double SIMILARITY_WEIGHT = 0.3;
    private static final double SHAPE_WEIGHT = 0.2;

    private final Set<String> questionTerms;
    private final Set<String> clueTerms;
    private final AnswerShape shape;

    SentenceScorer(String question, List<String> clues) {
        this.questionTerms = ContentTerms.of(question);
        this.clueTerms = new HashSet<>();
        for (String clue : clues) {
            clueTerms.addAll(ContentTerms.of(clue));
        }
        clueTerms.removeAll(questionTerms);
        this.shape = AnswerShape.of(question);
    }

    /**
     * One score per sentence; {@code similarities[i]} is sentence i's embedding similarity to the question,
     * rescaled here to [0, 1] over the candidates so that it weighs the same whatever the embedder's range.
     */
    double[] scores(List<String> sentences, float[] similarities) {
        List<Set<String>> terms = sentences.stream().map(ContentTerms::of).toList();
        Weights idf = Weights.over(terms);
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (float s : similarities) {
            min = Math.min(min, s);
            max = Math.max(max, s);
        }
        double[] scores = new double[sentences.size()];
        for (int i = 0; i < scores.length; i++) {
            double similarity = max > min ? (similarities[i] - min) / (max - min) : 0;
            scores[i] = coverage(questionTerms, terms.get(i), idf)
                    + CLUE_WEIGHT * coverage(clueTerms, terms.get(i), idf)
                    + SIMILARITY_WEIGHT * similarity
                    + (shape.foundIn(sentences.get(i), questionTerms) ? SHAPE_WEIGHT : 0);
        }
        return scores;
    }

    /** The share of the wanted terms' weight that the sentence holds. */
    private static double coverage(Set<String> wanted, Set<String> sentence, Weights idf) {
        double total = 0;
        double held = 0;
        for (String term : wanted) {
            double weight = idf.of(term);
            total += weight;
            if (sentence.contains(term)) {
                held += weight;
            }
        }
        return total == 0 ? 0 : held / total;
    }

    /** BM25's inverse document frequency of each term over the candidate sentences. */
    private record Weights(Map<String, Integer> frequencies, int sentences) {

        static Weights over(List<Set<String>> sentences) {
            Map<String, Integer> df = new HashMap<>();
            for (Set<String> terms : sentences) {
                for (String t : terms) {
                    df.merge(t, 1, Integer::sum);
                }
            }
            return new Weights(df, sentences.size());
        }

        double of(String term) {
            int df = frequencies.getOrDefault(term, 0);
            return Math.log(1 + (sentences - df + 0.5) / (df + 0.5));
        }
    }
}
