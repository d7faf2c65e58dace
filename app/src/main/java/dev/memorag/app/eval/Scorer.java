package dev.memorag.app.eval;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The QA metrics of {@code shared/data/score.py}, with the same definitions so that numbers from either agree:
 * SQuAD normalization (lower case, ASCII punctuation removed, articles a/an/the removed, whitespace collapsed),
 * token F1 and exact match against the best gold answer, and answer recall of the retrieved evidence. One metric
 * score.py lacks: whether the answer itself holds a gold answer.
 */
public final class Scorer {
    /** Python's {@code string.punctuation}: ASCII only, so curly quotes and dashes stay, as they do in score.py. */
    private static final String PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
    /** Python's {@code \b} is Unicode-aware for str patterns; Java's needs the flag to agree. */
    private static final Pattern ARTICLES = Pattern.compile("\\b(a|an|the)\\b", Pattern.UNICODE_CHARACTER_CLASS);

    private Scorer() {}

    public static String normalize(String s) {
        String lower = s.toLowerCase(Locale.ROOT);
        StringBuilder kept = new StringBuilder(lower.length());
        lower.codePoints().filter(c -> PUNCTUATION.indexOf(c) < 0).forEach(kept::appendCodePoint);
        return String.join(" ", tokens(ARTICLES.matcher(kept).replaceAll(" ")));
    }

    /** Token F1 of an answer against one gold answer, after normalization. */
    public static double f1(String prediction, String gold) {
        List<String> p = tokens(normalize(prediction));
        List<String> g = tokens(normalize(gold));
        if (p.isEmpty() || g.isEmpty()) {
            return p.equals(g) ? 1.0 : 0.0;
        }
        Map<String, Integer> goldCounts = new HashMap<>();
        g.forEach(t -> goldCounts.merge(t, 1, Integer::sum));
        int same = 0;
        for (String t : p) {
            Integer left = goldCounts.get(t);
            if (left != null && left > 0) {
                goldCounts.put(t, left - 1);
                same++;
            }
        }
        if (same == 0) {
            return 0.0;
        }
        double precision = (double) same / p.size();
        double recall = (double) same / g.size();
        return 2 * precision * recall / (precision + recall);
    }

    public static double exactMatch(String prediction, String gold) {
        return normalize(prediction).equals(normalize(gold)) ? 1.0 : 0.0;
    }

    /** The best F1 over the gold answers (0 when there are none). */
    public static double bestF1(String prediction, List<String> golds) {
        return golds.stream().mapToDouble(g -> f1(prediction, g)).max().orElse(0.0);
    }

    public static double bestExactMatch(String prediction, List<String> golds) {
        return golds.stream().mapToDouble(g -> exactMatch(prediction, g)).max().orElse(0.0);
    }

    /** 1 when some gold answer, normalized and non-empty, occurs in the normalized evidence; it ignores the generator. */
    public static double answerRecall(String retrieved, List<String> golds) {
        return containsGold(retrieved, golds);
    }

    /**
     * 1 when some gold answer, normalized and non-empty, occurs in the normalized answer: the answer holds the fact
     * asked for, however much else it says (F1 and EM punish an extractive answer's surrounding words).
     */
    public static double holdsGold(String answer, List<String> golds) {
        return containsGold(answer, golds);
    }

    private static double containsGold(String text, List<String> golds) {
        String normalized = normalize(text);
        return golds.stream().map(Scorer::normalize).anyMatch(g -> !g.isEmpty() && normalized.contains(g)) ? 1.0 : 0.0;
    }

    /** Python's {@code str.split()}: runs of Unicode whitespace separate tokens. */
    private static List<String> tokens(CharSequence s) {
        List<String> out = new ArrayList<>();
        int start = -1;
        for (int i = 0; i < s.length(); i++) {
            if (isPythonSpace(s.charAt(i))) {
                if (start >= 0) {
                    out.add(s.subSequence(start, i).toString());
                    start = -1;
                }
            } else if (start < 0) {
                start = i;
            }
        }
        if (start >= 0) {
            out.add(s.subSequence(start, s.length()).toString());
        }
        return out;
    }

    private static boolean isPythonSpace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u0085';
    }
}
