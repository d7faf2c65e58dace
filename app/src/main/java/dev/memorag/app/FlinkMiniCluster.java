package dev.memorag.app;

import dev.memorag.health.Health;
import dev.memorag.ingest.chunking.ChunkEmbedJob;
import dev.memorag.ingest.chunking.ChunkJobConfig;
import dev.memorag.schemas.TopicCatalog;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Runs the chunk-and-embed job on a Flink MiniCluster in this JVM, bound to 127.0.0.1, and reports its status: up
 * while RUNNING, degraded while restarting, failed for good once the job ends without being cancelled here (its
 * restart attempts exhausted).
 */
final class FlinkMiniCluster implements AutoCloseable {
    private final JobClient job;
    private final ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "memorag-chunker-health");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean closing;

    FlinkMiniCluster(String bootstrapServers, TopicCatalog topics, ChunkJobConfig jobConfig, Health.Part health)
            throws Exception {
        StreamExecutionEnvironment env = ChunkEmbedJob.localEnvironment();
        ChunkEmbedJob.define(env, bootstrapServers, topics, jobConfig);
        this.job = env.executeAsync("memorag chunk-and-embed");
        job.getJobExecutionResult().whenComplete((result, failure) -> {
            if (!closing) {
                health.failed("the chunk-and-embed job ended: "
                        + (failure == null ? "finished" : failure.getMessage()));
            }
        });
        watcher.scheduleWithFixedDelay(() -> job.getJobStatus().thenAccept(status -> {
            switch (status) {
                case RUNNING -> health.up();
                case FAILED, CANCELED, FINISHED, SUSPENDED -> { } // the result above says why
                default -> health.degraded("the chunk-and-embed job is " + status);
            }
        }), 0, 1, TimeUnit.SECONDS);
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
