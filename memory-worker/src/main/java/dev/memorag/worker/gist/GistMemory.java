package dev.memorag.worker.gist;

import dev.memorag.worker.store.CorpusStore;
import dev.memorag.worker.store.Gist;
import dev.memorag.worker.store.GistCursor;
import dev.memorag.worker.store.StoredChunk;
import java.util.ArrayList;
import java.util.List;

/**
 * A corpus's gist memory as the endpoint reads it: every fold and every group gist no fold covers, in corpus order,
 * one per line (as MemoRAG-Lite joins its gists), then the unfinished group's passages verbatim (at most a group's
 * worth: more only while the memorizer catches up, which the answer's lag states).
 */
public final class GistMemory {
    private static final int PAGE = 64;

    private GistMemory() {}

    /** The summaries the memory is made of, in corpus order. */
    static List<Gist> entries(CorpusStore store, String corpus) {
        List<Gist> folds = store.gistFolds(corpus);
        List<Gist> out = new ArrayList<>();
        int f = 0;
        Gist added = null;
        for (Gist group : store.groupGists(corpus)) {
            while (f < folds.size() && folds.get(f).lastSeq() < group.firstSeq()) {
                f++;
            }
            if (f < folds.size() && folds.get(f).firstSeq() <= group.firstSeq()) {
                if (added != folds.get(f)) {
                    added = folds.get(f);
                    out.add(added);
                }
            } else {
                out.add(group);
            }
        }
        return out;
    }

    /** The memory's text, as of the cursor it reads first: a group committed meanwhile is still raw text here. */
    public static String text(CorpusStore store, String corpus, GistSettings settings) {
        long after = store.gistCursor(corpus).map(GistCursor::lastSeq).orElse(-1L);
        StringBuilder text = new StringBuilder();
        for (Gist entry : entries(store, corpus)) {
            if (entry.firstSeq() <= after) {
                text.append(entry.text().strip()).append('\n');
            }
        }
        for (StoredChunk passage : unfinishedGroup(store, corpus, after, settings.groupTokens())) {
            text.append('\n').append(passage.text());
        }
        return text.toString().strip();
    }

    /**
     * The passages after stream position {@code after} that fit in {@code tokens}, and the one that fills it: a
     * complete group when the last one reaches {@code tokens} (a passage longer than a group is a group alone).
     */
    static List<StoredChunk> unfinishedGroup(CorpusStore store, String corpus, long after, int tokens) {
        List<StoredChunk> out = new ArrayList<>();
        long sum = 0;
        for (List<StoredChunk> page = store.chunksAfter(corpus, after, PAGE);
                !page.isEmpty();
                page = store.chunksAfter(corpus, page.get(page.size() - 1).seq(), PAGE)) {
            for (StoredChunk passage : page) {
                out.add(passage);
                sum += passage.tokenCount();
                if (sum >= tokens) {
                    return out;
                }
            }
        }
        return out;
    }

    /** About four characters a token: the endpoint's tokenizer is unknown here, and budgets need not be exact. */
    static int tokens(String text) {
        return (text.length() + 3) / 4;
    }
}
