package dev.memorag.worker.memory;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Why a corpus's memory cannot be built right now, per corpus: set by its memorizer, read by answers and status. */
public final class MemoryProblems {
    private final Map<String, String> problems = new ConcurrentHashMap<>();

    public Optional<String> of(String corpus) {
        return Optional.ofNullable(problems.get(corpus));
    }

    /** Records the problem; true if that changed what is known about the corpus. */
    public boolean set(String corpus, String problem) {
        return !problem.equals(problems.put(corpus, problem));
    }

    /** The corpus's memory works again; true if it had a problem. */
    public boolean clear(String corpus) {
        return problems.remove(corpus) != null;
    }
}
