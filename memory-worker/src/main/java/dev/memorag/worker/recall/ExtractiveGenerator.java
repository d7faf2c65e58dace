package dev.memorag.worker.recall;

import dev.memorag.embedding.Embedder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The generator that needs no LLM: it answers with the evidence sentences that best answer the question (see
 * {@link SentenceScorer}), in corpus order. It never writes a sentence the corpus does not contain, says so in the
 * answer record, and reports where each quoted sentence stands in its passage.
 */
public final class ExtractiveGenerator implements AnswerGenerator {
    public static final String NAME = "extractive";
    private static final int MIN_WORDS = 4;
    private final Embedder embedder;
    private final int sentences;

    public ExtractiveGenerator(Embedder embedder, int sentences) {
        this.embedder = embedder;
        this.sentences = sentences;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Generated answer(Request request, Consumer<String> onText) {
        Generated answer =
                extract(request.question().question(), request.clues(), request.questionVector(), request.evidence());
        onText.accept(answer.text());
        return answer;
    }

    /** The best {@code sentences} sentences of the evidence for the question and its clues, in corpus order. */
    public Generated extract(String question, List<String> clues, float[] questionVector, List<String> evidence) {
        List<Sentence> candidates = candidates(evidence);
        if (candidates.isEmpty()) {
            return Generated.written("");
        }
        List<String> texts = candidates.stream().map(Sentence::text).toList();
        float[][] vectors = embedder.embed(texts);
        float[] similarities = new float[vectors.length];
        for (int i = 0; i < vectors.length; i++) {
            similarities[i] = Embedder.dot(questionVector, vectors[i]);
        }
        List<Sentence> chosen = IntStream.of(new SentenceScorer(question, clues).choose(texts, similarities, sentences))
                .sorted()
                .mapToObj(candidates::get)
                .toList();
        return new Generated(chosen.stream().map(Sentence::text).collect(Collectors.joining(" ")), chosen);
    }

    /**
     * The distinct sentences of the evidence, in corpus order, that can stand alone: fragments such as "said
     * Scrooge." carry no answer and would crowd real sentences out, so they count only when nothing longer exists.
     */
    static List<Sentence> candidates(List<String> evidence) {
        List<Sentence> all = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int p = 0; p < evidence.size(); p++) {
            for (Sentence s : SentenceSplitter.split(p, evidence.get(p))) {
                if (seen.add(s.text())) {
                    all.add(s);
                }
            }
        }
        List<Sentence> whole = all.stream()
                .filter(s -> s.text().split(" ").length >= MIN_WORDS)
                .toList();
        return whole.isEmpty() ? all : whole;
    }
}
