package dev.memorag.query.routing;

import dev.memorag.health.Health;
import dev.memorag.query.KafkaQuestions;
import dev.memorag.query.KafkaSettings;
import dev.memorag.query.access.Access;
import dev.memorag.schemas.Answer;
import dev.memorag.schemas.ErrorCode;
import dev.memorag.schemas.ErrorInfo;
import dev.memorag.schemas.HeaderNames;
import dev.memorag.schemas.InvalidRecordException;
import dev.memorag.schemas.Json;
import dev.memorag.schemas.Question;
import dev.memorag.schemas.RecordType;
import dev.memorag.schemas.RecordValidator;
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
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * Takes questions from {@code questions}, in this order of checks: the reply-to must be a topic answers may go to
 * ({@link ReplyTopics}; if not, the error answer goes to the default answers topic); the question must be valid; its
 * {@code authorization} header must carry the corpus token (unless Kafka questions are trusted); its id must not
 * have been seen for the corpus within the window. A question that passes is routed to the owning worker with its
 * reply-to and correlation id; one that does not gets an error answer on its reply topic when it has an id, and a
 * refused reply-to or an invalid question a dead letter too. Each record's offset is committed only after all it
 * caused is acknowledged by Kafka, in order.
 */
public final class QuestionIntake {
    static final String STAGE = "query.questions";
    /** Records in progress at most before the consumer pauses. */
    private static final int MAX_PENDING = 1024;

    private final TopicCatalog topics;
    private final RecallRouter router;
    private final Access access;
    private final KafkaQuestions policy;
    private final ReplyTopics replyTopics;
    private final KafkaProducer<String, byte[]> producer;
    private final QueryDeadLetters deadLetters;
    private final Retrying retrying;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final OrderedCommits commits;
    private final SeenQuestions seen;
    private final RecordValidator validator = new RecordValidator();
    private final KafkaClientMetrics consumerMetrics;
    private final Health.Part health;

    public QuestionIntake(Vertx vertx, String bootstrapServers, TopicCatalog topics, RecallRouter router,
                          Access access, KafkaQuestions policy, ReplyTopics replyTopics,
                          KafkaProducer<String, byte[]> producer, QueryDeadLetters deadLetters, Retrying retrying,
                          MeterRegistry metrics, Health.Part health) {
        this.topics = topics;
        this.router = router;
        this.access = access;
        this.policy = policy;
        this.replyTopics = replyTopics;
        this.producer = producer;
        this.deadLetters = deadLetters;
        this.retrying = retrying;
        this.health = health;
        this.consumer = KafkaConsumer.create(vertx,
                KafkaSettings.bytesConsumer(bootstrapServers, topics.prefix() + "query-intake", "earliest"));
        this.commits = new OrderedCommits(consumer, MAX_PENDING);
        this.seen = new SeenQuestions(policy.dedupWindow(), 100_000, System::nanoTime);
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
        String correlationId = ReplyDelivery.header(record, HeaderNames.CORRELATION_ID);
        replyTopics.resolve(ReplyDelivery.header(record, HeaderNames.REPLY_TO))
                .<Void>compose(target -> admit(record, target, correlationId).mapEmpty(), refused -> reject(record,
                        (InvalidRecordException) refused, topics.answers(), correlationId).mapEmpty())
                .onSuccess(v -> commits.done(record)); // a send that failed for good is read again, not skipped
    }

    private Future<?> admit(KafkaConsumerRecord<byte[], byte[]> record, String target, String correlationId) {
        Question question;
        try {
            question = validator.parse(RecordType.QUESTION, record.value());
        } catch (InvalidRecordException e) {
            return reject(record, e, target, correlationId);
        }
        Optional<ErrorInfo> denied = policy.trusted() ? Optional.empty()
                : access.checkHeader(ReplyDelivery.header(record, HeaderNames.AUTHORIZATION), question.corpus());
        if (denied.isPresent()) {
            return answer(question.id(), question.corpus(), denied.get(), target, correlationId);
        }
        if (!seen.firstTime(question.corpus(), question.id())) {
            return answer(question.id(), question.corpus(), ErrorInfo.of(ErrorCode.DUPLICATE, "question '"
                    + question.id() + "' was already taken for corpus '" + question.corpus() + "' within "
                    + policy.dedupWindow() + ": its answer goes (or went) to the reply topic of the first"),
                    target, correlationId);
        }
        return retrying.untilDone("routing question " + question.id(),
                () -> router.route(question, target, correlationId));
    }

    /** Dead-letters the record and, where it has an id, answers it with the reason. */
    private Future<?> reject(KafkaConsumerRecord<byte[], byte[]> record, InvalidRecordException e, String replyTo,
                             String correlationId) {
        Future<?> deadLettered = deadLetters.send(record, STAGE, e.code(), e.getMessage());
        String questionId = questionIdOf(record.value());
        if (questionId == null) {
            return deadLettered;
        }
        String corpus = record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8);
        return Future.all(List.of(deadLettered, answer(questionId, corpus, e.toErrorInfo(), replyTo, correlationId)));
    }

    private Future<?> answer(String questionId, String corpus, ErrorInfo error, String replyTo,
                             String correlationId) {
        KafkaProducerRecord<String, byte[]> reply = KafkaProducerRecord.create(replyTo, questionId,
                Json.write(Answer.failed(questionId, corpus, error)));
        if (correlationId != null) {
            reply.addHeader(KafkaHeader.header(HeaderNames.CORRELATION_ID, correlationId));
        }
        return retrying.untilDone("answering question " + questionId + " on " + replyTo, () -> producer.send(reply));
    }

    /** The question id of an invalid question, if its bytes are JSON with a textual id. */
    private static String questionIdOf(byte[] value) {
        try {
            var id = Json.MAPPER.readTree(value).get("id");
            return id != null && id.isTextual() && !id.asText().isBlank() && id.asText().length() <= 256
                    ? id.asText() : null;
        } catch (Exception notJson) {
            return null;
        }
    }

    public Future<Void> close() {
        consumerMetrics.close();
        return consumer.close();
    }
}
