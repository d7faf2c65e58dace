package dev.memorag.query.routing;

import dev.memorag.health.Health;
import dev.memorag.schemas.TopicCatalog;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/**
 * Reads this instance's answer partitions on an event loop of its own and hands each event to the
 * {@link RecallRouter}, whose listeners carry it over to the context of the socket or request waiting for it.
 */
public final class AnswerFeedVerticle extends VerticleBase {
    private final String bootstrapServers;
    private final TopicCatalog topics;
    private final RecallRouter router;
    private final Health.Part health;
    private final MeterRegistry metrics;
    private AnswerEventsFeed feed;

    public AnswerFeedVerticle(
            String bootstrapServers,
            TopicCatalog topics,
            RecallRouter router,
            Health.Part health,
            MeterRegistry metrics) {
        this.bootstrapServers = bootstrapServers;
        this.topics = topics;
        this.router = router;
        this.health = health;
        this.metrics = metrics;
    }

    @Override
    public Future<?> start() {
        feed = new AnswerEventsFeed(vertx, bootstrapServers, topics);
        return feed.start(topics.answerEvents(), router, health, metrics);
    }

    @Override
    public Future<?> stop() {
        return feed.close();
    }
}
