package dev.memorag.worker.recall;

import dev.memorag.embedding.Embedder;
import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * The generator that needs no LLM: it answers with the evidence sentences closest to the question, in corpus
 * order. It never writes a sentence the corpus does not contain, and says so in the answer record.
 */
public final class ExtractiveGenerator {
    public static final String NAME = "extractive";
    private final Embedder embedder;
    private final int sentences;

    public ExtractiveGenerator(Embedder embedder, int sentences) {
        this.embedder = embedder;
        this.sentences = sentences;
    }

    public String answer(float[] question, List<String> evidence) {
        List<String> candidates = new ArrayList<>();
        for (String passage : evidence) {
            BreakIterator it = BreakIterator.getSentenceInstance(Locale.ROOT);
            it.setText(passage);
            for (int start = it.first(), end = it.next(); end != BreakIterator.DONE; start = end, end = it.next()) {
                String sentence = passage.substring(start, end).strip();
                if (sentence.length() > 1) {
                    candidates.add(sentence);
                }
            }
        }
        if (candidates.isEmpty()) {
            return "";
        }
        float[][] vectors = embedder.embed(candidates);
        return IntStream.range(0, candidates.size()).boxed()
                .sorted(Comparator.comparingDouble(i -> -Embedder.dot(question, vectors[i])))
                .limit(sentences)
                .sorted()
                .map(candidates::get)
                .reduce((a, b) -> a + " " + b)
                .orElse("");
    }
}
