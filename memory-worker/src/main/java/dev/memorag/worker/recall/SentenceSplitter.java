package dev.memorag.worker.recall;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Splits a passage into sentences that keep their offsets in the passage text, so a quoted sentence can be
 * highlighted where it stands; only the quoted text has its whitespace folded.
 */
final class SentenceSplitter {
    /** A break after a title such as "Mrs." is not a sentence end. */
    private static final Pattern TITLE_AT_END = Pattern.compile("\\b(Mr|Mrs|Ms|Dr|St|Mt)\\.$");

    private SentenceSplitter() {}

    static List<Sentence> split(int passage, String text) {
        List<Sentence> result = new ArrayList<>();
        BreakIterator it = BreakIterator.getSentenceInstance(Locale.ROOT);
        it.setText(text);
        int pending = -1; // start of a sentence that ended at a title and goes on in the next piece
        for (int from = it.first(), to = it.next(); to != BreakIterator.DONE; from = to, to = it.next()) {
            int start = pending >= 0 ? pending : skipSpace(text, from, to);
            int end = trimSpace(text, start, to);
            if (end - start > 0
                    && TITLE_AT_END.matcher(text.substring(start, end)).find()) {
                pending = start;
                continue;
            }
            pending = -1;
            if (end - start > 1) {
                result.add(sentence(passage, text, start, end));
            }
        }
        if (pending >= 0) {
            result.add(sentence(passage, text, pending, trimSpace(text, pending, text.length())));
        }
        return result;
    }

    private static Sentence sentence(int passage, String text, int start, int end) {
        return new Sentence(passage, start, end, text.substring(start, end).replaceAll("\\s+", " "));
    }

    private static int skipSpace(String text, int from, int to) {
        while (from < to && Character.isWhitespace(text.charAt(from))) {
            from++;
        }
        return from;
    }

    private static int trimSpace(String text, int from, int to) {
        while (to > from && Character.isWhitespace(text.charAt(to - 1))) {
            to--;
        }
        return to;
    }
}
