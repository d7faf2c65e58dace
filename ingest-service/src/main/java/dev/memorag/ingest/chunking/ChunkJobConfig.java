package dev.memorag.ingest.chunking;

import java.time.Duration;
import java.util.Map;

/**
 * Settings of the chunk-and-embed job.
 *
 * @param chunkTokens        {@code MEMORAG_CHUNK_TOKENS}, default 512: passage budget in retriever tokens
 * @param parallelism        {@code MEMORAG_CHUNK_PARALLELISM}, default 1: subtasks of the job on a Flink cluster (the
 *                           embedded MiniCluster always runs 1), a divisor of the partition count
 * @param checkpointInterval how often sources, state and the transactional sink commit together
 */
public record ChunkJobConfig(int chunkTokens, int parallelism, Duration checkpointInterval) {
    public static final int DEFAULT_CHUNK_TOKENS = 512;
    static final Duration CLUSTER_CHECKPOINT_INTERVAL = Duration.ofSeconds(5);

    public static ChunkJobConfig defaults() {
        return new ChunkJobConfig(DEFAULT_CHUNK_TOKENS, 1, Duration.ofSeconds(1));
    }

    /** The job's settings on a Flink cluster, from the environment of the process that runs its main. */
    public static ChunkJobConfig fromEnvironment(Map<String, String> env) {
        return new ChunkJobConfig(
                Integer.parseInt(env.getOrDefault("MEMORAG_CHUNK_TOKENS", "" + DEFAULT_CHUNK_TOKENS)),
                Integer.parseInt(env.getOrDefault("MEMORAG_CHUNK_PARALLELISM", "1")),
                Duration.parse(env.getOrDefault("MEMORAG_CHECKPOINT_INTERVAL", CLUSTER_CHECKPOINT_INTERVAL.toString())));
    }
}
