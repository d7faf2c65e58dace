package dev.memorag.query.routing;

import dev.memorag.clients.KafkaClients;
import dev.memorag.health.Health;
import dev.memorag.query.KafkaQuestions;
import dev.memorag.query.access.Access;
import dev.memorag.schemas.Answer;
import dev.memorag.schemas.ErrorInfo;
import dev.memorag.schemas.HeaderNames;
import dev.memorag.schemas.Json;
import dev.memorag.schemas.Question;
import dev.memorag.schemas.TopicCatalog;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.producer.KafkaHeader;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.util.List;

/**
 * Takes questions from {@code questions} and carries out what {@link QuestionAdmission} decides for each: a question
 * that passes its checks (reply-to, validity, authorization header, duplicate id) is routed to the owning worker with
 * its reply-to and correlation id; one that does not gets an error answer on its reply topic when it has an id, and
 * a refused reply-to or an invalid question a dead letter too. Each record's offset is committed only after all it
 * caused is acknowledged by Kafka, in order.
 */
public final class QuestionIntake {
    static final String STAGE = "query.questions";
    /** Records in progress at most before the consumer pauses. */
    private static final int MAX_PENDING = 1024;

    private final TopicCatalog topics;
    private final RecallRouter router;
    private final KafkaProducer<String, byte[]> producer;
    private final QueryDeadLetters deadLetters;
    private final Retrying retrying;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final OrderedCommits commits;
    private final QuestionAdmission admission;
    private final KafkaClientMetrics consumerMetrics;
    private final Health.Part health;

    public QuestionIntake(
            Vertx vertx,
            String bootstrapServers,
            TopicCatalog topics,
            RecallRouter router,
            Access access,
            KafkaQuestions policy,
            ReplyTopics replyTopics,
            KafkaProducer<String, byte[]> producer,
            QueryDeadLetters deadLetters,
            Retrying retrying,
            MeterRegistry metrics,
            Health.Part health) {
        this.topics = topics;
        this.router = router;
        this.producer = producer;
        this.deadLetters = deadLetters;
        this.retrying = retrying;
        this.health = health;
        this.consumer = KafkaConsumer.create(
                vertx, KafkaClients.bytesConsumer(bootstrapServers, topics.prefix() + "query-intake", "earliest"));
        this.commits = new OrderedCommits(consumer, MAX_PENDING);
        this.admission = new QuestionAdmission(
                replyTopics,
                topics.answers(),
                access::checkHeader,
                (authorization, corpus) -> access.whenSeen(vertx, authorization, corpus),
                policy,
                new SeenQuestions(policy.dedupWindow(), 100_000, System::nanoTime));
        // consumer metrics, records-lag-max among them: how far Kafka questions wait behind this instance
        this.consumerMetrics = new KafkaClientMetrics(consumer.unwrap());
        consumerMetrics.bindTo(metrics);
    }

    public Future<Void> start() {
        consumer.handler(this::take);
        consumer.partitionsRevokedHandler(commits::revoked);
        consumer.partitionsAssignedHandler(p -> health.up());
        consumer.exceptionHandler(e -> health.degraded("question intake: " + e.getMessage()));
        return consumer.subscribe(topics.questions());
    }

    private void take(KafkaConsumerRecord<byte[], byte[]> record) {
        commits.taken(record);
        admission
                .admit(record.record())
                .compose(decision -> carryOut(record, decision))
                .onSuccess(v -> commits.done(record)); // a send that failed for good is read again, not skipped
    }

    /** Routes an accepted question; answers a refused one where it has an id, and dead-letters it where told. */
    private Future<?> carryOut(KafkaConsumerRecord<byte[], byte[]> record, QuestionAdmission.Decision decision) {
        if (decision instanceof QuestionAdmission.Accepted accepted) {
            Question question = accepted.question();
            return retrying.untilDone(
                    "routing question " + question.id(),
                    () -> router.route(question, accepted.replyTo(), accepted.correlationId()));
        }
        QuestionAdmission.Refused refused = (QuestionAdmission.Refused) decision;
        Future<?> deadLettered = refused.deadLetter()
                ? deadLetters.send(record, STAGE, refused.code(), refused.message())
                : Future.succeededFuture();
        if (refused.questionId() == null) {
            return deadLettered;
        }
        Future<?> answered = answer(
                refused.questionId(), refused.corpus(), refused.error(), refused.replyTo(), refused.correlationId());
        return refused.deadLetter() ? Future.all(List.of(deadLettered, answered)) : answered;
    }

    private Future<?> answer(String questionId, String corpus, ErrorInfo error, String replyTo, String correlationId) {
        KafkaProducerRecord<String, byte[]> reply =
                KafkaProducerRecord.create(replyTo, questionId, Json.write(Answer.failed(questionId, corpus, error)));
        if (correlationId != null) {
            reply.addHeader(KafkaHeader.header(HeaderNames.CORRELATION_ID, correlationId));
        }
        return retrying.untilDone("answering question " + questionId + " on " + replyTo, () -> producer.send(reply));
    }

    public Future<Void> close() {
        consumerMetrics.close();
        return consumer.close();
    }
}
