package dev.memorag.worker.recall;

import java.util.List;

/** What writes clues from a corpus's memory: the answers to recall turns, each its own turn after the memory. */
public interface ClueModel {
    /** The memory backend's name, as answers state it. */
    String backend();

    /** One answer per turn, each at most {@code maxTokens} long; the turns do not see each other. */
    List<String> answers(String corpus, List<String> turns, int maxTokens);
}
