package dev.memorag.ingest.chunking;

import java.time.Duration;

/** Settings of the chunk-and-embed job. */
public record ChunkJobConfig(int chunkTokens, int parallelism, Duration checkpointInterval) {
    public static final int DEFAULT_CHUNK_TOKENS = 512;

    public static ChunkJobConfig defaults() {
        return new ChunkJobConfig(DEFAULT_CHUNK_TOKENS, 1, Duration.ofSeconds(1));
    }
}
