package dev.memorag.settings;

/** What writes a worker's answers ({@code MEMORAG_GENERATOR}). */
public enum Generator implements Choice {
    /** Evidence sentences picked by the retriever's embeddings: no LLM. */
    EXTRACTIVE,
    /** The memory checkpoint itself, through DJL. */
    DJL,
    /** An OpenAI-compatible server. */
    OPENAI
}
