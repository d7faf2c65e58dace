package dev.memorag.worker.store;

import java.util.List;
import java.util.Set;

/**
 * What one applied batch changed in one corpus's live passages: the stream positions that left it and the passages
 * that joined it. Applying {@code removed} then {@code added} to a copy of the passages before the batch gives the
 * passages after it; applying them to the passages after it changes nothing (seqs are never reused).
 */
public record PassageChanges(String corpus, Set<Long> removed, List<StoredChunk> added) {}
