package dev.memorag.query.routing;

import dev.memorag.clients.KafkaClients;
import dev.memorag.health.Health;
import dev.memorag.query.KafkaQuestions;
import dev.memorag.query.access.Access;
import dev.memorag.schemas.TopicCatalog;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.client.producer.KafkaProducer;
import java.util.List;

/**
 * The query service's Kafka clients and the loops that share them, on one event loop: the producer (questions to
 * workers, answers to reply topics), the dead-letter producer and admin client, reply delivery and Kafka question
 * intake. They keep per-record state (ordered commits, seen question ids) that their send callbacks update, so they
 * stay on one context. The HTTP verticles reach it only through the thread-safe {@link RecallRouter}.
 */
public final class KafkaRoutingVerticle extends VerticleBase {
    private final String bootstrapServers;
    private final TopicCatalog topics;
    private final KafkaQuestions questions;
    private final Access access;
    private final Health health;
    private final MeterRegistry metrics;
    private KafkaProducer<String, byte[]> producer;
    private KafkaProducer<byte[], byte[]> deadLetterProducer;
    private KafkaAdminClient admin;
    private Routing routing;
    private RecallRouter router;
    private ReplyDelivery replies;
    private QuestionIntake intake;

    public KafkaRoutingVerticle(
            String bootstrapServers,
            TopicCatalog topics,
            KafkaQuestions questions,
            Access access,
            Health health,
            MeterRegistry metrics) {
        this.bootstrapServers = bootstrapServers;
        this.topics = topics;
        this.questions = questions;
        this.access = access;
        this.health = health;
        this.metrics = metrics;
    }

    @Override
    public Future<?> start() {
        producer = KafkaProducer.create(vertx, KafkaClients.producer(bootstrapServers));
        deadLetterProducer = KafkaProducer.create(vertx, KafkaClients.bytesProducer(bootstrapServers));
        admin = KafkaAdminClient.create(vertx, KafkaClients.admin(bootstrapServers));
        router = new RecallRouter(topics, producer, metrics);
        routing = new Routing(vertx, topics, questions, admin, deadLetterProducer, metrics);
        replies = new ReplyDelivery(
                vertx,
                bootstrapServers,
                topics,
                producer::send,
                routing.replyTopics(),
                routing.deadLetters(),
                routing.retrying(),
                health.part("query.replies"));
        intake = new QuestionIntake(
                vertx,
                bootstrapServers,
                topics,
                router,
                access,
                questions,
                routing.replyTopics(),
                producer,
                routing.deadLetters(),
                routing.retrying(),
                metrics,
                health.part("query.intake"));
        return replies.start(topics.answerEvents()).compose(v -> intake.start());
    }

    /** Routes questions to the workers and their answer events to whoever waits here; once deployed. */
    public RecallRouter router() {
        return router;
    }

    @Override
    public Future<?> stop() {
        routing.close(); // stops retrying failed sends
        return Future.join(List.of(intake.close(), replies.close()))
                .compose(v -> Future.join(producer.close(), deadLetterProducer.close(), admin.close()));
    }
}
