package dev.memorag.query.routing;

import dev.memorag.query.KafkaQuestions;
import dev.memorag.schemas.TopicCatalog;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.client.producer.KafkaProducer;

/** What Kafka question intake and reply delivery share: the reply-to policy, dead letters and retries. */
public final class Routing {
    private final ReplyTopics replyTopics;
    private final Retrying retrying;
    private final QueryDeadLetters deadLetters;

    /** The clients are the caller's, who closes them. */
    public Routing(
            Vertx vertx,
            TopicCatalog topics,
            KafkaQuestions policy,
            KafkaAdminClient admin,
            KafkaProducer<byte[], byte[]> deadLetterProducer,
            MeterRegistry metrics) {
        this.retrying = new Retrying(vertx);
        this.replyTopics = new ReplyTopics(topics, policy, admin, retrying);
        this.deadLetters = new QueryDeadLetters(topics, deadLetterProducer, retrying, metrics);
    }

    public ReplyTopics replyTopics() {
        return replyTopics;
    }

    public Retrying retrying() {
        return retrying;
    }

    public QueryDeadLetters deadLetters() {
        return deadLetters;
    }

    /** Stops retrying failed sends (on shutdown). */
    public void close() {
        retrying.close();
    }
}
