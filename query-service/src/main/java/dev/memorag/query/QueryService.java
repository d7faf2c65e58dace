package dev.memorag.query;

import dev.memorag.health.Health;
import dev.memorag.query.access.Access;
import dev.memorag.query.access.CorpusRegistry;
import dev.memorag.query.edge.HttpEdge;
import dev.memorag.query.routing.AnswerEventsFeed;
import dev.memorag.query.routing.QuestionIntake;
import dev.memorag.query.routing.RecallRouter;
import dev.memorag.query.routing.ReplyDelivery;
import dev.memorag.query.routing.Routing;
import dev.memorag.schemas.TopicCatalog;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.client.producer.KafkaProducer;
import java.util.List;

/**
 * The query edge: HTTP, SSE and WebSocket asks, Kafka questions with reply-to, routing to workers and answer
 * delivery, tokens checked against the corpus registry. Holds no model and no corpus state. Its Kafka loops report
 * into the process {@link Health} that {@code /health} and {@code /ready} serve.
 */
public final class QueryService extends VerticleBase {
    private final QueryConfig config;
    private final TopicCatalog topics;
    private final Health health;
    private final PrometheusMeterRegistry metrics;
    private KafkaProducer<String, byte[]> producer;
    private KafkaProducer<byte[], byte[]> deadLetterProducer;
    private KafkaAdminClient admin;
    private Routing routing;
    private CorpusRegistry registry;
    private AnswerEventsFeed feed;
    private ReplyDelivery replies;
    private QuestionIntake intake;
    private HttpServer server;

    /** {@code metrics} is the process's registry; {@code /metrics} serves it. */
    public QueryService(QueryConfig config, TopicCatalog topics, Health health, PrometheusMeterRegistry metrics) {
        this.config = config;
        this.topics = topics;
        this.health = health;
        this.metrics = metrics;
    }

    @Override
    public Future<?> start() {
        producer = KafkaProducer.create(vertx, KafkaSettings.producer(config.bootstrapServers()));
        deadLetterProducer = KafkaProducer.create(vertx, KafkaSettings.bytesProducer(config.bootstrapServers()));
        admin = KafkaAdminClient.create(vertx, KafkaSettings.producer(config.bootstrapServers()));
        RecallRouter router = new RecallRouter(topics, producer, metrics);
        routing = new Routing(vertx, topics, config.questions(), admin, deadLetterProducer, metrics);
        registry = new CorpusRegistry(vertx, config.bootstrapServers(), topics);
        Access access = new Access(registry, config.adminToken());
        feed = new AnswerEventsFeed(vertx, config.bootstrapServers(), topics);
        replies = new ReplyDelivery(vertx, config.bootstrapServers(), topics, producer::send, routing.replyTopics(),
                routing.deadLetters(), routing.retrying(), health.part("query.replies"));
        intake = new QuestionIntake(vertx, config.bootstrapServers(), topics, router, access, config.questions(),
                routing.replyTopics(), producer, routing.deadLetters(), routing.retrying(), metrics,
                health.part("query.intake"));
        return registry.start(topics.corpora(), health.part("query.registry"), metrics)
                .compose(v -> feed.start(topics.answerEvents(), router, health.part("query.answer-feed"), metrics))
                .compose(v -> replies.start(topics.answerEvents()))
                .compose(v -> intake.start())
                .compose(v -> vertx.createHttpServer(HttpEdge.serverOptions(config.limits()))
                        .requestHandler(HttpEdge.router(vertx, config, router, access, metrics, health))
                        .listen(config.httpPort(), config.host()))
                .onSuccess(s -> server = s);
    }

    /** The bound HTTP port (useful when configured as 0). */
    public int httpPort() {
        return server.actualPort();
    }

    @Override
    public Future<?> stop() {
        routing.close();
        return Future.join(List.of(server == null ? Future.succeededFuture() : server.close(), intake.close(),
                replies.close(), feed.close(), registry.close()))
                .compose(v -> Future.join(producer.close(), deadLetterProducer.close(), admin.close()));
    }
}
