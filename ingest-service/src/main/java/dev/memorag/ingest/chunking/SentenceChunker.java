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
        int start = 0;
        int end = 0;
        int currentTokens = 0;
        for (Piece piece : pieces(text, tokenCount)) {
            if (currentTokens > 0 && currentTokens + piece.tokenCount() > maxTokens) {
                passages.add(passage(text, start, end, currentTokens));
                start = piece.start();
                currentTokens = 0;
            }
            end = piece.end();
            currentTokens += piece.tokenCount();
        }
        if (!text.substring(start, end).isBlank()) {
            passages.add(passage(text, start, end, currentTokens));
        }
        return passages;
    }

    /** The stretch without the whitespace at its ends, so its text is exactly the document's text between offsets. */
    private static Passage passage(String text, int start, int end, int tokens) {
        while (start < end && Character.isWhitespace(text.charAt(start))) {
            start++;
        }
        while (end > start && Character.isWhitespace(text.charAt(end - 1))) {
            end--;
        }
        return new Passage(text.substring(start, end), tokens, start, end);
    }

    /**
     * Sentences, with any sentence over the budget cut further at word boundaries, each with the token count it
     * was measured at: tokenizing is the chunker's main cost, so no piece is tokenized twice. Pieces are contiguous:
     * each starts where the one before ended.
     */
    private List<Piece> pieces(String text, ToIntFunction<String> tokenCount) {
        List<Piece> pieces = new ArrayList<>();
        BreakIterator sentences = BreakIterator.getSentenceInstance(Locale.ROOT);
        sentences.setText(text);
        for (int from = sentences.first(), to = sentences.next();
                to != BreakIterator.DONE;
                from = to, to = sentences.next()) {
            String sentence = text.substring(from, to);
            int tokens = tokenCount.applyAsInt(sentence);
            if (tokens <= maxTokens) {
                pieces.add(new Piece(from, to, tokens));
                continue;
            }
            BreakIterator words = BreakIterator.getWordInstance(Locale.ROOT);
            words.setText(sentence);
            int partStart = from;
            int partEnd = from;
            int partTokens = 0; // 0 while the part is one word: it has not been tokenized on its own
            for (int w = words.first(), next = words.next();
                    next != BreakIterator.DONE;
                    w = next, next = words.next()) {
                if (partEnd == partStart) {
                    partEnd = from + next;
                    continue;
                }
                int longer = tokenCount.applyAsInt(text.substring(partStart, from + next));
                if (longer > maxTokens) {
                    pieces.add(new Piece(
                            partStart,
                            partEnd,
                            partTokens > 0 ? partTokens : tokenCount.applyAsInt(text.substring(partStart, partEnd))));
                    partStart = partEnd;
                    partTokens = 0;
                } else {
                    partTokens = longer;
                }
                partEnd = from + next;
            }
            pieces.add(new Piece(
                    partStart,
                    partEnd,
                    partTokens > 0 ? partTokens : tokenCount.applyAsInt(text.substring(partStart, partEnd))));
        }
        return pieces;
    }

    /** A sentence or part of one: where it is in the text and how many tokens it measured. */
    private record Piece(int start, int end, int tokenCount) {}
}
