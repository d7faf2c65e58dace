package dev.memorag.worker.memory;

import dev.memorag.schemas.Answer;
import dev.memorag.worker.store.CorpusStats;
import dev.memorag.worker.store.CorpusStore;
import dev.memorag.worker.store.MemoryCursor;
import java.util.Optional;

/** How far a corpus's persisted memory has come, as answers and progress reports state it. */
public final class MemoryWatermarks {
    public static final String NONE = "none";
    public static final String BEACON = "beacon";

    private MemoryWatermarks() {
    }

    /** {@code beacon} false: no memory model, so the memory fields are zero and nothing lags. */
    public static Answer.MemoryWatermark of(CorpusStore store, String corpus, boolean beacon) {
        CorpusStats stats = store.stats(corpus);
        if (!beacon) {
            return new Answer.MemoryWatermark(NONE, stats.documents(), stats.chunks(), 0, 0, 0, false);
        }
        Optional<MemoryCursor> cursor = store.memoryCursor(corpus);
        long tokens = cursor.map(MemoryCursor::tokens).orElse(0L);
        long windows = cursor.map(MemoryCursor::windows).orElse(0);
        long memorized = cursor.map(MemoryCursor::chunkTokens).orElse(0L);
        boolean stale = cursor.isPresent() && store.staleGeneration(corpus) > cursor.get().rebuiltGeneration();
        return new Answer.MemoryWatermark(BEACON, stats.documents(), stats.chunks(), tokens, windows,
                Math.max(0, stats.tokens() - memorized), stale);
    }
}
