package dev.memorag.worker.memory;

import dev.memorag.schemas.Answer;
import dev.memorag.worker.store.CorpusStats;
import dev.memorag.worker.store.CorpusStore;
import dev.memorag.worker.store.GistCursor;
import dev.memorag.worker.store.MemoryCursor;
import java.util.Optional;

/**
 * How far a corpus's persisted memory has come, as answers and progress reports state it. For {@code gist} the
 * tokens are the retriever tokens summarized into gists, the windows the group gists, and the lag the unfinished
 * group (in the memory verbatim until it is complete); it is stale while groups that lost passages await their
 * new gist.
 */
public final class MemoryWatermarks {
    public static final String NONE = "none";
    public static final String BEACON = "beacon";
    public static final String GIST = "gist";

    private MemoryWatermarks() {}

    /** {@code problem}: why the memory cannot be used now, or null. */
    public static Answer.MemoryWatermark of(CorpusStore store, String corpus, String backend, String problem) {
        CorpusStats stats = store.stats(corpus);
        return switch (backend) {
            case BEACON -> {
                Optional<MemoryCursor> cursor = store.memoryCursor(corpus);
                long memorized = cursor.map(MemoryCursor::chunkTokens).orElse(0L);
                boolean stale = cursor.isPresent()
                        && store.staleGeneration(corpus) > cursor.get().rebuiltGeneration();
                yield new Answer.MemoryWatermark(
                        BEACON,
                        stats.documents(),
                        stats.chunks(),
                        cursor.map(MemoryCursor::tokens).orElse(0L),
                        cursor.map(MemoryCursor::windows).orElse(0),
                        Math.max(0, stats.tokens() - memorized),
                        stale,
                        problem);
            }
            case GIST -> {
                long summarized =
                        store.gistCursor(corpus).map(GistCursor::chunkTokens).orElse(0L);
                yield new Answer.MemoryWatermark(
                        GIST,
                        stats.documents(),
                        stats.chunks(),
                        summarized,
                        store.groupGists(corpus).size(),
                        Math.max(0, stats.tokens() - summarized),
                        !store.dirtyGroups(corpus).isEmpty(),
                        problem);
            }
            default -> new Answer.MemoryWatermark(NONE, stats.documents(), stats.chunks(), 0, 0, 0, false, problem);
        };
    }
}
