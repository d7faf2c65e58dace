package dev.memorag.worker.retrieval;

import java.util.Set;

/** The seqs of the passages a corpus's index holds, per part: to check against the store's live passages. */
public record IndexedPassages(Set<Long> lexical, Set<Long> dense, boolean approximate) {}
