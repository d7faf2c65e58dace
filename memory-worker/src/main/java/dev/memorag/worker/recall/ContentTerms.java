package dev.memorag.worker.recall;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The words of a text that carry its content: lower-cased, without function words (question words included, so
 * "which" or "how many" never count as overlap), plurals and possessives folded to one form.
 */
final class ContentTerms {
    private static final Pattern WORD = Pattern.compile("\\p{L}[\\p{L}\\p{N}'’]*|\\p{N}+");
    private static final Set<String> FUNCTION_WORDS = Set.of(
            "a", "an", "and", "are", "as", "at", "be", "been", "being", "but", "by", "can", "could", "did", "do",
            "does", "for", "from", "had", "has", "have", "he", "her", "hers", "him", "his", "how", "i", "if", "in",
            "into", "is", "it", "its", "many", "me", "much", "my", "no", "not", "of", "on", "or", "our", "she", "so",
            "such", "than", "that", "the", "their", "them", "then", "there", "these", "they", "this", "those", "to",
            "us", "was", "we", "were", "what", "when", "where", "which", "who", "whom", "whose", "why", "will", "with",
            "would", "you", "your", "shall", "should", "may", "might", "must", "o", "oh", "very", "all");

    private ContentTerms() {}

    static Set<String> of(String text) {
        Set<String> terms = new LinkedHashSet<>();
        Matcher m = WORD.matcher(text);
        while (m.find()) {
            String word = m.group().toLowerCase(Locale.ROOT);
            String term = fold(word);
            if (!term.isEmpty() && !FUNCTION_WORDS.contains(word) && !FUNCTION_WORDS.contains(term)) {
                terms.add(term);
            }
        }
        return terms;
    }

    private static String fold(String word) {
        String w = word.replace('’', '\'');
        if (w.endsWith("'s")) {
            w = w.substring(0, w.length() - 2);
        }
        while (w.endsWith("'")) {
            w = w.substring(0, w.length() - 1);
        }
        if (w.length() > 4 && w.endsWith("ies")) {
            return w.substring(0, w.length() - 3) + "y";
        }
        if (w.length() > 3 && w.endsWith("s") && !w.endsWith("ss") && !w.endsWith("us")) {
            return w.substring(0, w.length() - 1);
        }
        return w;
    }
}
