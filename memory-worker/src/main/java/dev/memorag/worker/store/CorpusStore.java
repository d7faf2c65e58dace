package dev.memorag.worker.store;

import java.util.List;
import java.util.OptionalLong;
import org.apache.kafka.common.TopicPartition;

/** What the worker keeps per corpus, behind a narrow interface; {@link RocksCorpusStore} owns the native state. */
public interface CorpusStore extends AutoCloseable {

    /** The next offset to consume from an input partition, or empty if nothing from it was ever applied. */
    OptionalLong nextOffset(TopicPartition partition);

    /** Applies chunk upserts and deletes and the consumed offsets atomically. */
    void apply(AppliedBatch batch);

    /** The live chunks of a corpus in corpus-stream order. */
    List<StoredChunk> chunks(String corpus);

    CorpusStats stats(String corpus);

    @Override
    void close();
}
