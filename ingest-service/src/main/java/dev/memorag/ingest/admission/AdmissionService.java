package dev.memorag.ingest.admission;

import dev.memorag.clients.KafkaClients;
import dev.memorag.health.Health;
import dev.memorag.ingest.status.StatusOwners;
import dev.memorag.ingest.status.StatusView;
import dev.memorag.ingest.status.StoreStatusView;
import dev.memorag.ingest.status.StreamsStatusOwners;
import dev.memorag.schemas.TopicCatalog;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Runs the admission topology as a Kafka Streams application with exactly-once processing, and beside it the small
 * registry application ({@link AdmissionTopology#registry}: audits registrations, decides creations). Records
 * neither can use are dead-lettered by {@link DeadLetterHandler}; an application that stops anyway fails its part of
 * the process health.
 */
public final class AdmissionService implements AutoCloseable {
    private final KafkaStreams streams;
    private final KafkaStreams registry;
    private final HostInfo advertised;

    /**
     * {@code advertised}: the {@code host:port} other ingest instances reach this one's gateway at (Streams'
     * {@code application.server}), or null where this is the only instance.
     */
    public AdmissionService(
            String bootstrapServers,
            TopicCatalog topics,
            AdmissionConfig config,
            Path stateDir,
            int replicationFactor,
            HostInfo advertised,
            Health health) {
        this.advertised = advertised;
        Properties admission =
                properties(topics.prefix() + "admission", bootstrapServers, topics, stateDir, replicationFactor);
        if (advertised != null) {
            admission.put(StreamsConfig.APPLICATION_SERVER_CONFIG, advertised.host() + ":" + advertised.port());
        }
        this.streams = new KafkaStreams(AdmissionTopology.build(topics, config, Clock.systemUTC()), admission);
        this.registry = new KafkaStreams(
                AdmissionTopology.registry(topics),
                properties(topics.prefix() + "registry", bootstrapServers, topics, stateDir, replicationFactor));
        report(streams, health.part("ingest.admission"));
        report(registry, health.part("ingest.registry"));
    }

    private static Properties properties(
            String applicationId, String bootstrapServers, TopicCatalog topics, Path stateDir, int replicationFactor) {
        Properties props = KafkaClients.streams(applicationId, bootstrapServers, stateDir, replicationFactor);
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class);
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class);
        props.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, topics.deadLetters());
        return props;
    }

    /** RUNNING is up, REBALANCING is working towards it, ERROR (every thread died) is for good. */
    private static void report(KafkaStreams app, Health.Part part) {
        app.setStateListener((next, previous) -> {
            switch (next) {
                case RUNNING -> part.up();
                case REBALANCING -> part.degraded("rebalancing");
                case PENDING_ERROR, ERROR ->
                    part.failed("Kafka Streams state " + next + ": its stream threads died (see the log)");
                default -> part.degraded("Kafka Streams state " + next);
            }
        });
    }

    public void start() {
        streams.start();
        registry.start();
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

    /** Which instance answers a corpus's status: every corpus here when no address is advertised. */
    public StatusOwners statusOwners() {
        return advertised == null ? StatusOwners.SINGLE : new StreamsStatusOwners(streams, advertised);
    }

    @Override
    public void close() {
        registry.close(Duration.ofSeconds(30));
        streams.close(Duration.ofSeconds(30));
    }
}
