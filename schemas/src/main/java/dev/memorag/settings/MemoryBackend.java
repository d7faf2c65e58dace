package dev.memorag.settings;

/** What a worker keeps as a corpus's memory ({@code MEMORAG_MEMORY}). */
public enum MemoryBackend implements Choice {
    /** No memory: the question is the only clue. */
    NONE,
    /** A MemoRAG beacon checkpoint's compressed KV memory. */
    BEACON,
    /** Summaries written by an OpenAI-compatible server (MemoRAG-Lite). */
    GIST
}
