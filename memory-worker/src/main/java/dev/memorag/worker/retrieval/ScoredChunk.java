package dev.memorag.worker.retrieval;

import dev.memorag.worker.store.StoredChunk;

/** A retrieved passage and its score under the retrieval that found it. */
public record ScoredChunk(StoredChunk chunk, float score) {}
