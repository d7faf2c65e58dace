package dev.memorag.worker.store;

import java.util.List;

/**
 * One step of a corpus's gist memory, written atomically: group gists and folds put (by first seq) or removed, the
 * re-summarized groups whose dirty marks it clears, and the cursor after it. {@code resets} drops every earlier gist
 * first (the memory was written with other settings). If a passage in {@code consumedSeqs} was removed meanwhile,
 * its group stays (or becomes) dirty.
 */
public record GistUpdate(
        String corpus,
        GistCursor cursor,
        boolean resets,
        List<Gist> groups,
        List<Long> removedGroups,
        List<Gist> folds,
        List<Long> removedFolds,
        List<Long> cleaned,
        long[] consumedSeqs) {

    /** A new group at the end of the memory, and the cursor past it. */
    public static GistUpdate appended(String corpus, GistCursor cursor, Gist group) {
        return new GistUpdate(
                corpus, cursor, false, List.of(group), List.of(), List.of(), List.of(), List.of(), group.seqs());
    }

    /** Every gist of the corpus dropped, to be written anew from {@code cursor} (a start). */
    public static GistUpdate reset(String corpus, GistCursor cursor) {
        return new GistUpdate(corpus, cursor, true, List.of(), List.of(), List.of(), List.of(), List.of(), new long[0]);
    }
}
