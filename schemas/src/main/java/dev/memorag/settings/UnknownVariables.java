package dev.memorag.settings;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code MEMORAG_*} variables of an environment that name no setting: most likely a misspelled one, whose value would
 * otherwise be ignored without a word. They are reported, not refused: an environment may carry a stray variable that
 * should not stop a process.
 */
final class UnknownVariables {
    private static final Logger LOG = LoggerFactory.getLogger(UnknownVariables.class);
    private static final String PREFIX = "MEMORAG_";
    /** Edits within which a setting's name is offered as the one meant. */
    private static final int NEAR = 3;
    /** Names already reported by this process: settings are resolved more than once at start-up. */
    private static final Set<String> REPORTED = ConcurrentHashMap.newKeySet();

    private UnknownVariables() {}

    /** One line per unknown variable of {@code env}, in name order, with the nearest setting's name when close. */
    static List<String> describe(Map<String, String> env) {
        Set<String> known = SettingsCatalogue.all().stream().map(Setting::env).collect(Collectors.toSet());
        return env.keySet().stream()
                .filter(name -> name.startsWith(PREFIX) && !known.contains(name))
                .sorted()
                .map(name -> name + " is not a setting and is ignored"
                        + nearest(name, known)
                                .map(n -> " (did you mean " + n + "?)")
                                .orElse(""))
                .toList();
    }

    /** Logs {@link #describe} once per name and process. */
    static void warn(Map<String, String> env) {
        for (String line : describe(env)) {
            if (REPORTED.add(line)) LOG.warn(line);
        }
    }

    private static Optional<String> nearest(String name, Set<String> known) {
        return known.stream()
                .filter(k -> distance(name, k) <= NEAR)
                .min(Comparator.comparingInt((String k) -> distance(name, k)).thenComparing(k -> k));
    }

    /** Levenshtein distance. */
    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) previous[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
