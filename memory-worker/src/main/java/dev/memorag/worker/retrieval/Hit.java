package dev.memorag.worker.retrieval;

/** A passage by its corpus-stream position, with its score under the search that found it. */
record Hit(long seq, float score) {}
