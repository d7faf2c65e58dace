package dev.memorag.query.access;

import dev.memorag.health.Health;
import dev.memorag.schemas.TopicCatalog;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/**
 * Reads the corpus registry on an event loop of its own. Its {@link CorpusRegistry} is created in {@link #start},
 * so the consumer's handlers run on this verticle's context; the HTTP verticles only read its concurrent map.
 */
public final class RegistryVerticle extends VerticleBase {
    private final String bootstrapServers;
    private final TopicCatalog topics;
    private final Health.Part health;
    private final MeterRegistry metrics;
    private CorpusRegistry registry;

    public RegistryVerticle(String bootstrapServers, TopicCatalog topics, Health.Part health, MeterRegistry metrics) {
        this.bootstrapServers = bootstrapServers;
        this.topics = topics;
        this.health = health;
        this.metrics = metrics;
    }

    @Override
    public Future<?> start() {
        registry = new CorpusRegistry(vertx, bootstrapServers, topics);
        return registry.start(topics.corpora(), health, metrics);
    }

    /** The registry, once deployed. */
    public CorpusRegistry registry() {
        return registry;
    }

    @Override
    public Future<?> stop() {
        return registry.close();
    }
}
