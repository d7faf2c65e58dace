package dev.memorag.ingest.admission;

import dev.memorag.ingest.status.StatusView;
import dev.memorag.ingest.status.StoreStatusView;
import dev.memorag.schemas.TopicCatalog;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/** Runs the admission topology as a Kafka Streams application with exactly-once processing. */
public final class AdmissionService implements AutoCloseable {
    private final KafkaStreams streams;

    public AdmissionService(String bootstrapServers, TopicCatalog topics, AdmissionConfig config, Path stateDir,
                            int replicationFactor) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, topics.prefix() + "admission");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, replicationFactor);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        this.streams = new KafkaStreams(AdmissionTopology.build(topics, config, Clock.systemUTC()), props);
    }

    public void start() {
        streams.start();
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /** Blocks until the application processes records (its stores are queryable), or fails after {@code timeout}. */
    public void awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (!streams.state().isRunningOrRebalancing() && streams.state() != KafkaStreams.State.CREATED) {
                throw new IllegalStateException("admission stopped while starting: " + streams.state());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("admission not running after " + timeout + ": " + streams.state());
            }
            Thread.sleep(50);
        }
    }

    /** Document status and corpus registry of this instance, for the gateway. */
    public StatusView statusView() {
        return StoreStatusView.of(streams);
    }

    @Override
    public void close() {
        streams.close(Duration.ofSeconds(30));
    }
}
