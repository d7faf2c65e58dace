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

    /** One score per sentence, as a sentence is scored when it is chosen first. */
    double[] scores(List<String> sentences, float[] similarities) {
        return new Round(sentences, similarities).scores();
    }

    /**
     * The indices of the {@code n} best sentences, best first. Each next sentence is scored by the terms the chosen
     * ones do not hold yet, so a sentence that repeats the first one's words gives way to one that adds to them:
     * the answer to "where did he send it" is often the sentence after the one that names what was sent.
     */
    int[] choose(List<String> sentences, float[] similarities, int n) {
        Round round = new Round(sentences, similarities);
        int[] chosen = new int[Math.min(n, sentences.size())];
        boolean[] taken = new boolean[sentences.size()];
        for (int k = 0; k < chosen.length; k++) {
            double[] scores = round.scores();
            int best = -1;
            for (int i = 0; i < scores.length; i++) {
                if (!taken[i] && (best < 0 || scores[i] > scores[best])) {
                    best = i;
                }
            }
            taken[best] = true;
            chosen[k] = best;
            round.covered(best);
        }
        return chosen;
    }

    /** Scoring state over one set of candidates: the terms still wanted shrink as sentences are chosen. */
    private final class Round {
        private final List<String> sentences;
        private final List<Set<String>> terms;
        private final Weights idf;
        private final double[] similarity;
        private final Set<String> question = new HashSet<>(questionTerms);
        private final Set<String> clue = new HashSet<>(clueTerms);
        private final double questionWeight;
        private final double clueWeight;

        /**
         * {@code similarities[i]} is sentence i's embedding similarity to the question, rescaled here to [0, 1]
         * over the candidates so that it weighs the same whatever the embedder's range.
         */
        Round(List<String> sentences, float[] similarities) {
            this.sentences = sentences;
            this.terms = sentences.stream().map(ContentTerms::of).toList();
            this.idf = Weights.over(terms);
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (float s : similarities) {
                min = Math.min(min, s);
                max = Math.max(max, s);
            }
            this.similarity = new double[similarities.length];
            for (int i = 0; i < similarity.length; i++) {
                similarity[i] = max > min ? (similarities[i] - min) / (max - min) : 0;
            }
            this.questionWeight = idf.total(questionTerms);
            this.clueWeight = idf.total(clueTerms);
        }

        double[] scores() {
            double[] scores = new double[sentences.size()];
            for (int i = 0; i < scores.length; i++) {
                scores[i] = coverage(question, questionWeight, terms.get(i))
                        + CLUE_WEIGHT * coverage(clue, clueWeight, terms.get(i))
                        + SIMILARITY_WEIGHT * similarity[i]
                        + (shape.foundIn(sentences.get(i), questionTerms) ? SHAPE_WEIGHT : 0);
            }
            return scores;
        }

        void covered(int sentence) {
            question.removeAll(terms.get(sentence));
            clue.removeAll(terms.get(sentence));
        }

        /** The share of all the wanted terms' weight that the sentence adds. */
        private double coverage(Set<String> stillWanted, double totalWeight, Set<String> sentence) {
            double held = 0;
            for (String term : stillWanted) {
                if (sentence.contains(term)) {
                    held += idf.of(term);
                }
            }
            return totalWeight == 0 ? 0 : held / totalWeight;
        }
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

        double total(Set<String> terms) {
            return terms.stream().mapToDouble(this::of).sum();
        }

        double of(String term) {
            int df = frequencies.getOrDefault(term, 0);
            return Math.log(1 + (sentences - df + 0.5) / (df + 0.5));
        }
    }
}
