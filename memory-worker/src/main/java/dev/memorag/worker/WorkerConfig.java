package dev.memorag.worker;

import dev.memorag.worker.retrieval.RetrievalSettings;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings of one memory worker.
 *
 * @param instanceId     its static group membership ({@code group.instance.id}), or null for dynamic membership
 * @param sessionTimeout how long it may be silent before the group moves its partitions to other workers
 * @param model          its memory model and answer generator
 * @param retrieval      how it finds passages, and its retrieval index's bounds
 */
public record WorkerConfig(String bootstrapServers, Path stateDir, int recallThreads, String instanceId,
                           Duration sessionTimeout, ModelSettings model, RetrievalSettings retrieval) {
    public static final int DEFAULT_RECALL_THREADS = 2;
    public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(10);
}
