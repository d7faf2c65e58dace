package dev.memorag.worker.retrieval;

import dev.memorag.schemas.Question.Retrieval;

/**
 * How the worker retrieves passages.
 *
 * @param mode          the retrieval of questions that name none ({@code MEMORAG_RETRIEVAL})
 * @param annThreshold  passages from which a corpus's vectors are searched in an HNSW graph rather than exactly
 *                      ({@code MEMORAG_ANN_THRESHOLD})
 * @param cacheBytes    heap for corpus indexes; least recently used ones are dropped beyond it and rebuilt from the
 *                      store on their next question ({@code MEMORAG_INDEX_CACHE_BYTES})
 */
public record RetrievalSettings(Retrieval mode, int annThreshold, long cacheBytes) {
    public static final int DEFAULT_ANN_THRESHOLD = 20_000;
    public static final long DEFAULT_CACHE_BYTES = 1L << 30;

    public RetrievalSettings {
        if (mode == null) {
            throw new IllegalArgumentException("a default retrieval is needed: dense, bm25 or hybrid");
        }
        if (annThreshold < 1) {
            throw new IllegalArgumentException("ANN threshold " + annThreshold + " must be at least 1");
        }
        if (cacheBytes < 0) {
            throw new IllegalArgumentException("index cache bytes " + cacheBytes + " must not be negative");
        }
    }

    public static RetrievalSettings defaults() {
        return new RetrievalSettings(Retrieval.HYBRID, DEFAULT_ANN_THRESHOLD, DEFAULT_CACHE_BYTES);
    }
}
