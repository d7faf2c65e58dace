package dev.memorag.worker.store;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/** What the worker keeps per corpus, behind a narrow interface; {@link RocksCorpusStore} owns the native state. */
public interface CorpusStore extends AutoCloseable {

    /** The next offset to consume from an input partition, or empty if nothing from it was ever applied. */
    OptionalLong nextOffset(TopicPartition partition);

    /**
     * Applies chunk upserts and deletes and the consumed offsets atomically. Removing a passage the memory already
     * holds bumps the corpus's stale generation in the same write.
     */
    void apply(AppliedBatch batch);

    /**
     * Adds a listener told each batch's passage changes, per corpus, in the order the batches were written: it runs
     * inside {@link #apply}, after the write is durable, so what it derives from the store cannot miss a change or
     * see them out of order.
     */
    void listen(PassageListener listener);

    /** Corpora this store holds anything of. */
    Set<String> corpora();

    /** The live chunks of a corpus in corpus-stream order. */
    List<StoredChunk> chunks(String corpus);

    /** Up to {@code limit} live chunks after stream position {@code seq}, in corpus-stream order. */
    List<StoredChunk> chunksAfter(String corpus, long seq, int limit);

    /** The live passage at stream position {@code seq}, or empty if none is (never was, or removed since). */
    Optional<StoredChunk> chunkAt(String corpus, long seq);

    CorpusStats stats(String corpus);

    /** The persisted memory's cursor, empty when the corpus has no memory yet. */
    Optional<MemoryCursor> memoryCursor(String corpus);

    /** Memory windows {@code [0, count)}, each the concatenation of its layer rows. */
    List<byte[]> memoryWindows(String corpus, int count);

    /** Counts removals of memorized passages; the memory is stale while this exceeds its cursor's generation. */
    long staleGeneration(String corpus);

    /**
     * Writes a memorization step atomically. If a consumed passage was removed meanwhile, the stale generation is
     * bumped in the same write, so the memory gets rebuilt without it.
     */
    void applyMemory(MemoryUpdate update);

    /** The persisted gist memory's cursor, empty when the corpus has none yet. */
    Optional<GistCursor> gistCursor(String corpus);

    /** The group gists of a corpus in stream order. */
    List<Gist> groupGists(String corpus);

    /** The folds of a corpus in stream order; they never overlap, each stands for the groups it covers. */
    List<Gist> gistFolds(String corpus);

    /** First seqs of the group gists that lost passages since they were written (marked in the removing write). */
    List<Long> dirtyGroups(String corpus);

    /** Writes a gist memory step atomically. */
    void applyGists(GistUpdate update);

    @Override
    void close();
}
