package dev.memorag.ingest.chunking;

import java.io.Serializable;
import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToIntFunction;

/**
 * Splits text into passages of at most {@code maxTokens} retriever tokens, cutting at sentence boundaries where
 * possible and at word boundaries inside sentences longer than the budget. Pure: the same text always gives the same
 * passages, which is what makes re-processing after a failure idempotent.
 */
public final class SentenceChunker implements Serializable {
    private final int maxTokens;

    public SentenceChunker(int maxTokens) {
        if (maxTokens < 8) {
            throw new IllegalArgumentException("chunk budget must be at least 8 tokens, got " + maxTokens);
        }
        this.maxTokens = maxTokens;
    }

    public List<Passage> split(String text, ToIntFunction<String> tokenCount) {
        List<Passage> passages = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int currentTokens = 0;
        for (String sentence : pieces(text, tokenCount)) {
            int tokens = tokenCount.applyAsInt(sentence);
            if (currentTokens > 0 && currentTokens + tokens > maxTokens) {
                passages.add(new Passage(current.toString().strip(), currentTokens));
                current.setLength(0);
                currentTokens = 0;
            }
            current.append(sentence);
            currentTokens += tokens;
        }
        if (!current.toString().isBlank()) {
            passages.add(new Passage(current.toString().strip(), currentTokens));
        }
        return passages;
    }

    /** Sentences, with any sentence over the budget cut further at word boundaries. */
    private List<String> pieces(String text, ToIntFunction<String> tokenCount) {
        List<String> pieces = new ArrayList<>();
        for (String sentence : boundaries(text, BreakIterator.getSentenceInstance(Locale.ROOT))) {
            if (tokenCount.applyAsInt(sentence) <= maxTokens) {
                pieces.add(sentence);
                continue;
            }
            StringBuilder part = new StringBuilder();
            for (String word : boundaries(sentence, BreakIterator.getWordInstance(Locale.ROOT))) {
                if (part.length() > 0 && tokenCount.applyAsInt(part + word) > maxTokens) {
                    pieces.add(part.toString());
                    part.setLength(0);
                }
                part.append(word);
            }
            pieces.add(part.toString());
        }
        return pieces;
    }

    private static List<String> boundaries(String text, BreakIterator iterator) {
        iterator.setText(text);
        List<String> out = new ArrayList<>();
        for (int start = iterator.first(), end = iterator.next(); end != BreakIterator.DONE;
             start = end, end = iterator.next()) {
            out.add(text.substring(start, end));
        }
        return out;
    }
}
