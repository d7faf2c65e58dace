package dev.memorag.worker.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memorag.schemas.Chunk;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
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
            store.apply(new AppliedBatch(
                    List.of(
                            chunk("carol", 1, 0, 2, "Marley was dead."),
                            chunk("carol", 1, 1, 2, "Scrooge signed it."),
                            chunk("other", 1, 0, 1, "Bah!")),
                    Map.of(P0, 3L)));
        }
        try (RocksCorpusStore store = new RocksCorpusStore(dir)) {
            assertEquals(OptionalLong.of(3), store.nextOffset(P0));
            List<StoredChunk> chunks = store.chunks("dickens");
            assertEquals(
                    List.of("Marley was dead.", "Scrooge signed it.", "Bah!"),
                    chunks.stream().map(StoredChunk::text).toList(),
                    "corpus-stream order");
            assertArrayEquals(new float[] {1f, 1f}, chunks.get(1).vector());
            assertEquals(new CorpusStats(2, 3, 16 + 18 + 4), store.stats("dickens"));
            assertTrue(store.chunks("austen").isEmpty(), "corpora never see each other's chunks");
        }
    }

    @Test
    void keepsPassageOffsetsAndReadsRowsWrittenBeforeOffsetsExisted() {
        try (RocksCorpusStore store = new RocksCorpusStore(dir)) {
            store.apply(new AppliedBatch(
                    List.of(
                            Chunk.upsert("dickens", "carol", 1, 0, 2, "Marley was dead.", 5, new float[] {1f}, 7, 23),
                            chunk("carol", 1, 1, 2, "No offsets.")),
                    Map.of(P0, 2L)));
        }
        try (RocksCorpusStore store = new RocksCorpusStore(dir)) {
            List<StoredChunk> chunks = store.chunks("dickens");
            assertEquals(
                    List.of(7, 23), List.of(chunks.get(0).start(), chunks.get(0).end()));
            assertNull(chunks.get(1).start());
            assertNull(chunks.get(1).end());
        }
        // The layout before offsets: version, count, seq, token count, vector, text.
        ByteBuffer old = ByteBuffer.allocate(8 + 4 + 8 + 4 + 4 + 4 + 4);
        old.putLong(3)
                .putInt(2)
                .putLong(9)
                .putInt(1)
                .putInt(1)
                .putFloat(0.5f)
                .put("Bah!".getBytes(StandardCharsets.UTF_8));
        StoredChunk decoded = StoredChunk.decode("carol", 1, old.array());
        assertEquals(new StoredChunk("carol", 3, 1, 2, 9, 1, "Bah!", decoded.vector()), decoded);
        assertArrayEquals(new float[] {0.5f}, decoded.vector());
    }

    @Test
    void aNewVersionReplacesTheOldChunksAndADeleteRemovesThem() {
        try (RocksCorpusStore store = new RocksCorpusStore(dir)) {
            store.apply(new AppliedBatch(
                    List.of(chunk("carol", 1, 0, 2, "a"), chunk("carol", 1, 1, 2, "b")), Map.of(P0, 2L)));
            store.apply(new AppliedBatch(
                    List.of(chunk("carol", 2, 0, 1, "c"), chunk("carol", 1, 1, 2, "late")), Map.of(P0, 4L)));
            assertEquals(
                    List.of("c"),
                    store.chunks("dickens").stream().map(StoredChunk::text).toList());
            store.apply(new AppliedBatch(List.of(Chunk.delete("dickens", "carol", 3)), Map.of(P0, 5L)));
            assertTrue(store.chunks("dickens").isEmpty());
            assertEquals(new CorpusStats(0, 0, 0), store.stats("dickens"));
        }
    }

    @Test
    void theStreamListsLivePassagesInOrderAndRemovingAMemorizedOneMakesTheMemoryStale() {
        try (RocksCorpusStore store = new RocksCorpusStore(dir)) {
            store.apply(new AppliedBatch(
                    List.of(chunk("carol", 1, 0, 2, "a"), chunk("carol", 1, 1, 2, "b"), chunk("other", 1, 0, 1, "c")),
                    Map.of(P0, 3L)));
            assertEquals(List.of("a", "b", "c"), texts(store.chunksAfter("dickens", -1, 10)));
            assertEquals(List.of("b"), texts(store.chunksAfter("dickens", 0, 1)), "after a position, up to a limit");
            assertEquals(java.util.Set.of("dickens"), store.corpora());

            MemoryCursor cursor = new MemoryCursor("fp", 1, 40, 1, new int[] {7, 8}, 2, 0);
            byte[] window = new byte[] {1, 2, 3, 4, 5, 6};
            store.applyMemory(new MemoryUpdate("dickens", cursor, 0, List.of(window), 2, false, new long[] {0, 1}));
            assertArrayEquals(window, store.memoryWindows("dickens", 1).get(0), "a window is its layer rows joined");
            assertEquals(0, store.staleGeneration("dickens"));

            store.apply(new AppliedBatch(List.of(chunk("other", 2, 0, 1, "c2")), Map.of(P0, 4L)));
            assertEquals(0, store.staleGeneration("dickens"), "replacing a passage the memory does not hold yet");
            store.apply(new AppliedBatch(List.of(Chunk.delete("dickens", "carol", 2)), Map.of(P0, 5L)));
            assertEquals(1, store.staleGeneration("dickens"), "deleting memorized passages makes the memory stale");
            assertEquals(List.of("c2"), texts(store.chunksAfter("dickens", -1, 10)));
            assertEquals(new CorpusStats(1, 1, 2), store.stats("dickens"));

            // a memory step that consumed a passage deleted after it was read leaves the memory stale as well
            store.applyMemory(new MemoryUpdate(
                    "dickens", new MemoryCursor("fp", 3, 50, 1, new int[0], 2, 1), 1, List.of(), 2, false, new long[] {2
                    }));
            assertEquals(2, store.staleGeneration("dickens"));
        }
        try (RocksCorpusStore readOnly = RocksCorpusStore.openReadOnly(dir)) {
            assertEquals(3, readOnly.memoryCursor("dickens").orElseThrow().lastSeq());
            assertThrows(StoreException.class, () -> readOnly.apply(new AppliedBatch(List.of(), Map.of(P0, 6L))));
        }
    }

    private static List<String> texts(List<StoredChunk> chunks) {
        return chunks.stream().map(StoredChunk::text).toList();
    }
}
