package dev.memorag.worker.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memorag.schemas.Chunk;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RocksCorpusStoreTest {
    private static final TopicPartition P0 = new TopicPartition("memorag.chunks", 0);

    @TempDir
    Path dir;

    private static Chunk chunk(String doc, long version, int index, int count, String text) {
        return Chunk.upsert("dickens", doc, version, index, count, text, text.length(), new float[] {index, 1f});
    }

    @Test
    void appliesChunksAndOffsetsTogetherAndKeepsThemAcrossReopen() {
        try (RocksCorpusStore store = new RocksCorpusStore(dir)) {
            assertEquals(OptionalLong.empty(), store.nextOffset(P0));
            store.apply(new AppliedBatch(List.of(chunk("carol", 1, 0, 2, "Marley was dead."),
                    chunk("carol", 1, 1, 2, "Scrooge signed it."), chunk("other", 1, 0, 1, "Bah!")),
                    Map.of(P0, 3L)));
        }
        try (RocksCorpusStore store = new RocksCorpusStore(dir)) {
            assertEquals(OptionalLong.of(3), store.nextOffset(P0));
            List<StoredChunk> chunks = store.chunks("dickens");
            assertEquals(List.of("Marley was dead.", "Scrooge signed it.", "Bah!"),
                    chunks.stream().map(StoredChunk::text).toList(), "corpus-stream order");
            assertArrayEquals(new float[] {1f, 1f}, chunks.get(1).vector());
            assertEquals(new CorpusStats(2, 3, 16 + 18 + 4), store.stats("dickens"));
            assertTrue(store.chunks("austen").isEmpty(), "corpora never see each other's chunks");
        }
    }

    @Test
    void aNewVersionReplacesTheOldChunksAndADeleteRemovesThem() {
        try (RocksCorpusStore store = new RocksCorpusStore(dir)) {
            store.apply(new AppliedBatch(List.of(chunk("carol", 1, 0, 2, "a"), chunk("carol", 1, 1, 2, "b")),
                    Map.of(P0, 2L)));
            store.apply(new AppliedBatch(List.of(chunk("carol", 2, 0, 1, "c"), chunk("carol", 1, 1, 2, "late")),
                    Map.of(P0, 4L)));
            assertEquals(List.of("c"), store.chunks("dickens").stream().map(StoredChunk::text).toList());
            store.apply(new AppliedBatch(List.of(Chunk.delete("dickens", "carol", 3)), Map.of(P0, 5L)));
            assertTrue(store.chunks("dickens").isEmpty());
            assertEquals(new CorpusStats(0, 0, 0), store.stats("dickens"));
        }
    }
}
