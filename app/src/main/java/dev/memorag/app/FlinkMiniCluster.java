package dev.memorag.app;

import dev.memorag.ingest.chunking.ChunkEmbedJob;
import dev.memorag.ingest.chunking.ChunkJobConfig;
import dev.memorag.schemas.TopicCatalog;
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
    }
}
