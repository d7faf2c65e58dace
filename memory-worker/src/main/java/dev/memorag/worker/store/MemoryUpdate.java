package dev.memorag.worker.store;

import java.util.List;

/**
 * One memorization step of a corpus, written atomically: the windows it completed (each the beacon K/V of every
 * layer, split into {@code layers} equal rows on disk), the cursor after it, and the stream positions it consumed.
 * A rebuild {@code replaces} every earlier window.
 */
public record MemoryUpdate(
        String corpus,
        MemoryCursor cursor,
        int firstWindow,
        List<byte[]> windows,
        int layers,
        boolean replaces,
        long[] consumedSeqs) {}
