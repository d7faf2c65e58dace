package dev.memorag.app;

import dev.memorag.ingest.chunking.ChunkEmbedJob;
import dev.memorag.ingest.chunking.ChunkJobConfig;
import dev.memorag.schemas.TopicCatalog;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** Runs the chunk-and-embed job on a Flink MiniCluster in this JVM, bound to 127.0.0.1. */
final class FlinkMiniCluster implements AutoCloseable {
    private final JobClient job;

    FlinkMiniCluster(String bootstrapServers, TopicCatalog topics, ChunkJobConfig jobConfig) throws Exception {
        Configuration conf = new Configuration();
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        conf.set(RestOptions.ADDRESS, "127.0.0.1");
        conf.set(JobManagerOptions.ADDRESS, "127.0.0.1");
        conf.set(JobManagerOptions.BIND_HOST, "127.0.0.1");
        conf.set(TaskManagerOptions.BIND_HOST, "127.0.0.1");
        conf.set(TaskManagerOptions.HOST, "127.0.0.1");
        // Bounded restarts: a job that keeps failing surfaces instead of retrying forever.
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 5);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(2));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(conf);
        ChunkEmbedJob.define(env, bootstrapServers, topics, jobConfig);
        this.job = env.executeAsync("memorag chunk-and-embed");
    }

    String status() throws Exception {
        return job.getJobStatus().get(5, TimeUnit.SECONDS).name();
    }

    @Override
    public void close() throws Exception {
        job.cancel().get(30, TimeUnit.SECONDS);
    }
}
