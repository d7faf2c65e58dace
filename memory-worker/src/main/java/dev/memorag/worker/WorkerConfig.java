package dev.memorag.worker;

import dev.memorag.worker.retrieval.RetrievalSettings;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings of one memory worker.
 *
 * @param recallThreads  questions it answers at once ({@code MEMORAG_RECALL_THREADS})
 * @param instanceId     its static group membership ({@code group.instance.id}), or null for dynamic membership
 *                       ({@code MEMORAG_INSTANCE_ID})
 * @param sessionTimeout how long it may be silent before the group moves its partitions to other workers
 *                       ({@code MEMORAG_SESSION_TIMEOUT})
 * @param model          its memory model and answer generator
 * @param retrieval      how it finds passages, and its retrieval index's bounds
 */
public record WorkerConfig(
        String bootstrapServers,
        Path stateDir,
        int recallThreads,
        String instanceId,
        Duration sessionTimeout,
        ModelSettings model,
        RetrievalSettings retrieval) {}
