package dev.memorag.worker;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings of one memory worker.
 *
 * @param instanceId     its static group membership ({@code group.instance.id}), or null for dynamic membership
 * @param sessionTimeout how long it may be silent before the group moves its partitions to other workers
 * @param model          its memory model and answer generator
 */
public record WorkerConfig(String bootstrapServers, Path stateDir, int recallThreads, String instanceId,
                           Duration sessionTimeout, ModelSettings model) {
    public static final int DEFAULT_RECALL_THREADS = 2;
    public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(10);
}
