package dev.memorag.query;

import dev.memorag.query.access.Access;
import dev.memorag.query.access.CorpusRegistry;
import dev.memorag.query.edge.HttpEdge;
import dev.memorag.query.routing.AnswerEventsFeed;
import dev.memorag.query.routing.QuestionIntake;
import dev.memorag.query.routing.RecallRouter;
import dev.memorag.query.routing.ReplyDelivery;
import dev.memorag.schemas.TopicCatalog;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.kafka.client.producer.KafkaProducer;
import java.util.List;

/**
 * The query edge: HTTP, SSE and WebSocket asks, Kafka questions with reply-to, routing to workers and answer
 * delivery, tokens checked against the corpus registry. Holds no model and no corpus state.
 */
public final class QueryService extends VerticleBase {
    private final QueryConfig config;
    private final TopicCatalog topics;
    private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private KafkaProducer<String, byte[]> producer;
    private CorpusRegistry registry;
    private AnswerEventsFeed feed;
    private ReplyDelivery replies;
    private QuestionIntake intake;
    private HttpServer server;

    public QueryService(QueryConfig config, TopicCatalog topics) {
        this.config = config;
        this.topics = topics;
    }

    @Override
    public Future<?> start() {
        producer = KafkaProducer.create(vertx, KafkaSettings.producer(config.bootstrapServers()));
        RecallRouter router = new RecallRouter(topics, producer, metrics);
        registry = new CorpusRegistry(vertx, config.bootstrapServers(), topics);
        feed = new AnswerEventsFeed(vertx, config.bootstrapServers(), topics);
        replies = new ReplyDelivery(vertx, config.bootstrapServers(), topics, producer);
        intake = new QuestionIntake(vertx, config.bootstrapServers(), topics, router, producer, metrics);
        return registry.start(topics.corpora())
                .compose(v -> feed.start(topics.answerEvents(), router))
                .compose(v -> replies.start(topics.answerEvents()))
                .compose(v -> intake.start())
                .compose(v -> vertx.createHttpServer()
                        .requestHandler(HttpEdge.router(vertx, config, router,
                                new Access(registry, config.adminToken()), metrics, registry::ready))
                        .listen(config.httpPort(), config.host()))
                .onSuccess(s -> server = s);
    }

    /** The bound HTTP port (useful when configured as 0). */
    public int httpPort() {
        return server.actualPort();
    }

    @Override
    public Future<?> stop() {
        return Future.join(List.of(server == null ? Future.succeededFuture() : server.close(), intake.close(),
                replies.close(), feed.close(), registry.close())).compose(v -> producer.close())
                .onComplete(v -> metrics.close());
    }
}
