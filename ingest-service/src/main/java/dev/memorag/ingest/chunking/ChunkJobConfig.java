package dev.memorag.ingest.chunking;

import static dev.memorag.settings.SettingsCatalogue.CHECKPOINT_INTERVAL;
import static dev.memorag.settings.SettingsCatalogue.CHUNK_PARALLELISM;
import static dev.memorag.settings.SettingsCatalogue.CHUNK_TOKENS;

import dev.memorag.settings.Settings;
import java.time.Duration;

/**
 * Settings of the chunk-and-embed job.
 *
 * @param chunkTokens        passage budget in retriever tokens ({@code MEMORAG_CHUNK_TOKENS})
 * @param parallelism        subtasks of the job on a Flink cluster, a divisor of the partition count ({@code
 *                           MEMORAG_CHUNK_PARALLELISM}); the embedded MiniCluster always runs 1
 * @param checkpointInterval how often sources, state and the transactional sink commit together ({@code
 *                           MEMORAG_CHECKPOINT_INTERVAL})
 */
public record ChunkJobConfig(int chunkTokens, int parallelism, Duration checkpointInterval) {

    /** The job's settings on a Flink cluster. */
    public static ChunkJobConfig of(Settings settings) {
        return new ChunkJobConfig(
                settings.get(CHUNK_TOKENS), settings.get(CHUNK_PARALLELISM), settings.get(CHECKPOINT_INTERVAL));
    }

    /** The job in this process, on a MiniCluster of one subtask. */
    public static ChunkJobConfig inProcess(Settings settings) {
        return new ChunkJobConfig(settings.get(CHUNK_TOKENS), 1, settings.get(CHECKPOINT_INTERVAL));
    }
}
