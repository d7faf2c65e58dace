package dev.memorag.worker;

import java.nio.file.Path;

/**
 * Settings of one memory worker.
 *
 * @param instanceId its static group membership ({@code group.instance.id}), or null for dynamic membership
 */
public record WorkerConfig(String bootstrapServers, Path stateDir, int recallThreads, String instanceId) {
    public static final int DEFAULT_RECALL_THREADS = 2;
}
