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
        for (Passage piece : pieces(text, tokenCount)) {
            if (currentTokens > 0 && currentTokens + piece.tokenCount() > maxTokens) {
                passages.add(new Passage(current.toString().strip(), currentTokens));
                current.setLength(0);
                currentTokens = 0;
            }
            current.append(piece.text());
            currentTokens += piece.tokenCount();
        }
        if (!current.toString().isBlank()) {
            passages.add(new Passage(current.toString().strip(), currentTokens));
        }
        return passages;
    }

    /**
     * Sentences, with any sentence over the budget cut further at word boundaries, each with the token count it
     * was measured at: tokenizing is the chunker's main cost, so no piece is tokenized twice.
     */
    private List<Passage> pieces(String text, ToIntFunction<String> tokenCount) {
        List<Passage> pieces = new ArrayList<>();
        for (String sentence : boundaries(text, BreakIterator.getSentenceInstance(Locale.ROOT))) {
            int tokens = tokenCount.applyAsInt(sentence);
            if (tokens <= maxTokens) {
                pieces.add(new Passage(sentence, tokens));
                continue;
            }
            StringBuilder part = new StringBuilder();
            int partTokens = 0; // 0 while the part is one word: it has not been tokenized on its own
            for (String word : boundaries(sentence, BreakIterator.getWordInstance(Locale.ROOT))) {
                if (part.length() == 0) {
                    part.append(word);
                    continue;
                }
                int longer = tokenCount.applyAsInt(part + word);
                if (longer > maxTokens) {
                    pieces.add(new Passage(part.toString(), partTokens > 0 ? partTokens
                            : tokenCount.applyAsInt(part.toString())));
                    part.setLength(0);
                    part.append(word);
                    partTokens = 0;
                } else {
                    part.append(word);
                    partTokens = longer;
                }
            }
            pieces.add(new Passage(part.toString(), partTokens > 0 ? partTokens
                    : tokenCount.applyAsInt(part.toString())));
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
