package dev.memorag.worker;

import java.nio.file.Path;

/** Settings of one memory worker. */
public record WorkerConfig(String bootstrapServers, Path stateDir, int recallThreads, ModelSettings model) {
    public static final int DEFAULT_RECALL_THREADS = 2;
}
