package dev.memorag.app;

import dev.memorag.health.Health;
import dev.memorag.ingest.chunking.ChunkEmbedJob;
import dev.memorag.ingest.chunking.ChunkJobConfig;
import dev.memorag.schemas.TopicCatalog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.RecoveryClaimMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the chunk-and-embed job on a Flink MiniCluster in this JVM, bound to 127.0.0.1, and reports its status: up
 * while RUNNING, degraded while restarting, failed for good once the job ends without being cancelled here (its
 * restart attempts exhausted).
 *
 * <p>Its checkpoints are kept in {@code stateDir} when the job is cancelled, and the next start restores the latest
 * one, as a Flink cluster restores a job after an upgrade: the source offsets, and the chunk and dead-letter sinks'
 * transactions, resume exactly where they stood, so a restart neither re-reads documents nor repeats dead letters.
 * (The group's committed offsets lag the checkpoints, and restarting from them did both.)
 */
final class FlinkMiniCluster implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FlinkMiniCluster.class);

    private final JobClient job;
    private final ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "memorag-chunker-health");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean closing;

    FlinkMiniCluster(
            String bootstrapServers, TopicCatalog topics, ChunkJobConfig jobConfig, Path stateDir, Health.Part health)
            throws Exception {
        StreamExecutionEnvironment env = ChunkEmbedJob.localEnvironment(checkpointing(stateDir.resolve("checkpoints")));
        ChunkEmbedJob.define(env, bootstrapServers, topics, jobConfig);
        this.job = env.executeAsync("memorag chunk-and-embed");
        job.getJobExecutionResult().whenComplete((result, failure) -> {
            if (!closing) {
                health.failed(
                        "the chunk-and-embed job ended: " + (failure == null ? "finished" : failure.getMessage()));
            }
        });
        watcher.scheduleWithFixedDelay(
                () -> job.getJobStatus().thenAccept(status -> {
                    switch (status) {
                        case RUNNING -> health.up();
                        case FAILED, CANCELED, FINISHED, SUSPENDED -> {} // the result above says why
                        default -> health.degraded("the chunk-and-embed job is " + status);
                    }
                }),
                0,
                1,
                TimeUnit.SECONDS);
    }

    /** Retained checkpoints under {@code dir}, and the latest one of an earlier run to restore, if any. */
    private static Configuration checkpointing(Path dir) throws IOException {
        Configuration conf = new Configuration();
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, dir.toUri().toString());
        conf.set(
                CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        Optional<Path> latest = latestCheckpoint(dir);
        if (latest.isPresent()) {
            log.info("the chunk-and-embed job resumes from {}", latest.get());
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, latest.get().toUri().toString());
            // the job owns it from now on and deletes it once a newer checkpoint subsumes it
            conf.set(StateRecoveryOptions.RESTORE_MODE, RecoveryClaimMode.CLAIM);
            // state of an operator a newer version no longer has is dropped rather than refused
            conf.set(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE, true);
        }
        return conf;
    }

    /** The newest complete checkpoint ({@code <job>/chk-<n>/_metadata}) of any earlier run. */
    static Optional<Path> latestCheckpoint(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> metadata = Files.find(
                dir,
                3,
                (path, attributes) -> path.getFileName().toString().equals("_metadata")
                        && path.getParent().getFileName().toString().startsWith("chk-"))) {
            return metadata.max(Comparator.comparing((Path p) -> lastModified(p)))
                    .map(Path::getParent);
        }
    }

    private static FileTime lastModified(Path path) {
        try {
            return Files.getLastModifiedTime(path);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    @Override
    public void close() throws Exception {
        closing = true;
        watcher.shutdownNow();
        job.cancel().get(30, TimeUnit.SECONDS);
        // cancel() returns once requested: wait until the tasks have stopped, so none is still in native code when
        // the JVM exits (a task loading the ONNX model during exit crashed the JVM with SIGSEGV)
        try {
            job.getJobExecutionResult().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            // a cancelled job ends with a cancellation failure: the expected outcome
        }
    }
}
