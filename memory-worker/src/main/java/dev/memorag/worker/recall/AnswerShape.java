package dev.memorag.worker.recall;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What kind of words an answer to a question is made of, from its question word: a count or date ("how many",
 * "when"), a name ("who", "which", "where") or neither. A sentence that repeats the question's words but brings no
 * word of that kind restates the question rather than answering it.
 */
enum AnswerShape {
    NUMBER,
    NAME,
    ANY;

    private static final Pattern NUMBER_QUESTION =
            Pattern.compile("\\b(how (many|much|long|old|far|often)|when|what year|in which year)\\b");
    private static final Pattern NAME_QUESTION = Pattern.compile("\\b(who|whom|whose|which|where|what)\\b");
    private static final Pattern DIGITS = Pattern.compile("\\p{N}");
    private static final Set<String> NUMBER_WORDS = Set.of(
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
            "thirty",
            "forty",
            "fifty",
            "sixty",
            "seventy",
            "eighty",
            "ninety",
            "hundred",
            "thousand",
            "million",
            "dozen",
            "score",
            "once",
            "twice",
            "first",
            "second",
            "third");
    /** A capitalised word not at the start of the sentence or of a quotation: a name. */
    private static final Pattern CAPITALISED_WORD = Pattern.compile("(?<=[\\p{L},;:] )\\p{Lu}\\p{Ll}+");

    private static final Pattern WORD = Pattern.compile("\\p{L}+|\\p{N}+");

    static AnswerShape of(String question) {
        String q = question.toLowerCase(Locale.ROOT);
        if (NUMBER_QUESTION.matcher(q).find()) {
            return NUMBER;
        }
        return NAME_QUESTION.matcher(q).find() ? NAME : ANY;
    }

    /** Whether the sentence holds a word of this shape that the question does not. */
    boolean foundIn(String sentence, Set<String> questionTerms) {
        return switch (this) {
            case NUMBER -> hasNumber(sentence, questionTerms);
            case NAME -> hasName(sentence, questionTerms);
            case ANY -> false;
        };
    }

    private static boolean hasNumber(String sentence, Set<String> questionTerms) {
        Matcher m = WORD.matcher(sentence);
        while (m.find()) {
            String word = m.group().toLowerCase(Locale.ROOT);
            if ((DIGITS.matcher(word).find() || NUMBER_WORDS.contains(word)) && !questionTerms.contains(word)) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasName(String sentence, Set<String> questionTerms) {
        Matcher m = CAPITALISED_WORD.matcher(sentence);
        while (m.find()) {
            Set<String> terms = ContentTerms.of(m.group());
            if (!terms.isEmpty() && !questionTerms.containsAll(terms)) {
                return true;
            }
        }
        return false;
    }
}
