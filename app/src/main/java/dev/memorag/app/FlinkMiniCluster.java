package dev.memorag.app;

import dev.memorag.ingest.chunking.ChunkEmbedJob;
import dev.memorag.ingest.chunking.ChunkJobConfig;
import dev.memorag.schemas.TopicCatalog;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** Runs the chunk-and-embed job on a Flink MiniCluster in this JVM, bound to 127.0.0.1. */
final class FlinkMiniCluster implements AutoCloseable {
    private final JobClient job;

    FlinkMiniCluster(String bootstrapServers, TopicCatalog topics, ChunkJobConfig jobConfig) throws Exception {
        StreamExecutionEnvironment env = ChunkEmbedJob.localEnvironment();
        ChunkEmbedJob.define(env, bootstrapServers, topics, jobConfig);
        this.job = env.executeAsync("memorag chunk-and-embed");
    }

    @Override
    public void close() throws Exception {
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
