package dev.memorag.worker.store;

/** Live documents, their chunks and retriever tokens of one corpus as stored by this worker. */
public record CorpusStats(long documents, long chunks, long tokens) {}
