package dev.memorag.worker.gist;

import dev.memorag.schemas.Chunk;
import dev.memorag.worker.store.AppliedBatch;
import dev.memorag.worker.store.CorpusStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * Documents of numbered passages with a fixed retriever token count each, applied to a store as the worker applies
 * chunk batches (vectors are not read by the gist memory, so they are one dimension).
 */
final class GistCorpus {
    private static final TopicPartition CHUNKS = new TopicPartition("memorag.chunks", 0);
    private final String corpus;
    private final int passageTokens;
    private long offset;

    GistCorpus(String corpus, int passageTokens) {
        this.corpus = corpus;
        this.passageTokens = passageTokens;
    }

    static String passage(String doc, int index) {
        return "In " + doc + " passage " + index + " the clerk of " + doc + " counted coal by candlelight.";
    }

    /** Stores version {@code version} of {@code doc} with {@code passages} passages. */
    void put(CorpusStore store, String doc, long version, int passages) {
        List<Chunk> chunks = new ArrayList<>();
        for (int i = 0; i < passages; i++) {
            chunks.add(
                    Chunk.upsert(corpus, doc, version, i, passages, passage(doc, i), passageTokens, new float[] {1f}));
        }
        store.apply(new AppliedBatch(chunks, Map.of(CHUNKS, ++offset)));
    }

    void delete(CorpusStore store, String doc, long version) {
        store.apply(new AppliedBatch(List.of(Chunk.delete(corpus, doc, version)), Map.of(CHUNKS, ++offset)));
    }
}
