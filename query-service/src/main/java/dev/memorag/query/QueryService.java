package dev.memorag.query;

import dev.memorag.health.Health;
import dev.memorag.query.access.Access;
import dev.memorag.query.access.QuestionLimits;
import dev.memorag.query.access.RegistryVerticle;
import dev.memorag.query.edge.HttpEdgeVerticle;
import dev.memorag.query.routing.AnswerFeedVerticle;
import dev.memorag.query.routing.KafkaRoutingVerticle;
import dev.memorag.schemas.TopicCatalog;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The query edge: HTTP, SSE and WebSocket asks, Kafka questions with reply-to, routing to workers and answer
 * delivery, tokens checked against the corpus registry. Holds no model and no corpus state. It deploys small
 * verticles, each on its own event loop, in the order they depend on each other: the corpus registry, the Kafka
 * clients with reply delivery and question intake, this instance's answer feed, then {@code MEMORAG_HTTP_INSTANCES}
 * HTTP servers sharing the port. Vert.x undeploys them with it. Their loops report into the process
 * {@link Health} that {@code /health} and {@code /ready} serve.
 */
public final class QueryService extends VerticleBase {
    private final QueryConfig config;
    private final TopicCatalog topics;
    private final Health health;
    private final PrometheusMeterRegistry metrics;
    private final List<HttpEdgeVerticle> edges = new CopyOnWriteArrayList<>();

    /** {@code metrics} is the process's registry; {@code /metrics} serves it. */
    public QueryService(QueryConfig config, TopicCatalog topics, Health health, PrometheusMeterRegistry metrics) {
        this.config = config;
        this.topics = topics;
        this.health = health;
        this.metrics = metrics;
    }

    @Override
    public Future<?> start() {
        String bootstrap = config.bootstrapServers();
        RegistryVerticle registry = new RegistryVerticle(bootstrap, topics, health.part("query.registry"), metrics);
        return vertx.deployVerticle(registry).compose(r -> {
            Access access = new Access(registry.registry(), config.adminToken());
            KafkaRoutingVerticle routing =
                    new KafkaRoutingVerticle(bootstrap, topics, config.questions(), access, health, metrics);
            // per corpus over all HTTP instances: one set of limits for the process
            QuestionLimits limits = new QuestionLimits(
                    config.limits().maxInFlightPerCorpus(), config.limits().questionsPerSecond());
            return vertx.deployVerticle(routing)
                    .compose(k -> vertx.deployVerticle(new AnswerFeedVerticle(
                            bootstrap, topics, routing.router(), health.part("query.answer-feed"), metrics)))
                    .compose(f -> vertx.deployVerticle(
                            () -> {
                                HttpEdgeVerticle edge =
                                        new HttpEdgeVerticle(config, routing.router(), access, limits, metrics, health);
                                edges.add(edge);
                                return edge;
                            },
                            new DeploymentOptions().setInstances(config.httpInstances())));
        });
    }

    /** The bound HTTP port (useful when configured as 0), shared by every HTTP instance. */
    public int httpPort() {
        return edges.get(0).port();
    }
}
