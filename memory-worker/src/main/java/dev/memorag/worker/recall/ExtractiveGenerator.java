package dev.memorag.worker.recall;

import dev.memorag.embedding.Embedder;
import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * The generator that needs no LLM: it answers with the evidence sentences closest to the question, in corpus
 * order. It never writes a sentence the corpus does not contain, and says so in the answer record.
 */
public final class ExtractiveGenerator implements AnswerGenerator {
    public static final String NAME = "extractive";
    private static final int MIN_WORDS = 4;
    private static final Pattern TITLE_AT_END = Pattern.compile("\\b(Mr|Mrs|Ms|Dr|St|Mt)\\.$");
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
    public String answer(Request request, Consumer<String> onText) {
        String text = answer(request.questionVector(), request.evidence());
        onText.accept(text);
        return text;
    }

    public String answer(float[] question, List<String> evidence) {
        List<String> candidates = candidates(evidence);
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

    /**
     * The distinct sentences of the evidence that can stand alone: fragments such as "said Scrooge." carry no
     * answer and would crowd real sentences out, so they count only when nothing longer exists.
     */
    static List<String> candidates(List<String> evidence) {
        Set<String> all = new LinkedHashSet<>();
        for (String passage : evidence) {
            all.addAll(sentences(passage));
        }
        List<String> whole = all.stream().filter(s -> s.split("\\s+").length >= MIN_WORDS).toList();
        return whole.isEmpty() ? List.copyOf(all) : whole;
    }

    /** Sentences of a passage; a break after a title such as "Mrs." is not a sentence end. */
    static List<String> sentences(String passage) {
        List<String> result = new ArrayList<>();
        BreakIterator it = BreakIterator.getSentenceInstance(Locale.ROOT);
        it.setText(passage);
        String pending = "";
        for (int start = it.first(), end = it.next(); end != BreakIterator.DONE; start = end, end = it.next()) {
            String sentence = (pending + " " + passage.substring(start, end)).strip().replaceAll("\\s+", " ");
            if (TITLE_AT_END.matcher(sentence).find()) {
                pending = sentence;
            } else {
                pending = "";
                if (sentence.length() > 1) {
                    result.add(sentence);
                }
            }
        }
        if (!pending.isEmpty()) {
            result.add(pending);
        }
        return result;
    }
}
