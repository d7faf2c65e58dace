package dev.memorag.query.routing;

import dev.memorag.clients.KafkaClients;
import dev.memorag.health.Health;
import dev.memorag.schemas.Answer;
import dev.memorag.schemas.AnswerEvent;
import dev.memorag.schemas.HeaderNames;
import dev.memorag.schemas.InvalidRecordException;
import dev.memorag.schemas.Json;
import dev.memorag.schemas.RecordType;
import dev.memorag.schemas.RecordValidator;
import dev.memorag.schemas.TopicCatalog;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Writes the final {@link Answer} of every question that came with a reply-to header to that topic, echoing the
 * correlation id. One shared consumer group over all instances; each record's offset is committed, in order, only
 * once its answer is acknowledged by Kafka (a failed send is retried), so a restart re-delivers rather than loses
 * (duplicates carry the same question id). An event that is not valid is dead-lettered, and so is one whose
 * reply-to is refused: the worker copies reply-to from recall records, which anyone may write, so it is confined
 * again here.
 */
public final class ReplyDelivery {
    static final String STAGE = "query.answer-events";
    private static final int MAX_PENDING = 1024;

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Function<KafkaProducerRecord<String, byte[]>, Future<?>> send;
    private final ReplyTopics replyTopics;
    private final QueryDeadLetters deadLetters;
    private final Retrying retrying;
    private final OrderedCommits commits;
    private final RecordValidator validator = new RecordValidator();
    private final Health.Part health;

    /** {@code send} is the producer's send (a test may make it fail on purpose). */
    public ReplyDelivery(
            Vertx vertx,
            String bootstrapServers,
            TopicCatalog topics,
            Function<KafkaProducerRecord<String, byte[]>, Future<?>> send,
            ReplyTopics replyTopics,
            QueryDeadLetters deadLetters,
            Retrying retrying,
            Health.Part health) {
        this.consumer = KafkaConsumer.create(
                vertx, KafkaClients.bytesConsumer(bootstrapServers, topics.prefix() + "query-replies", "earliest"));
        this.send = send;
        this.replyTopics = replyTopics;
        this.deadLetters = deadLetters;
        this.retrying = retrying;
        this.commits = new OrderedCommits(consumer, MAX_PENDING);
        this.health = health;
    }

    public Future<Void> start(String topic) {
        consumer.handler(this::deliver);
        consumer.partitionsRevokedHandler(commits::revoked);
        consumer.partitionsAssignedHandler(p -> health.up());
        consumer.exceptionHandler(e -> health.degraded("reply delivery: " + e.getMessage()));
        return consumer.subscribe(topic);
    }

    private void deliver(KafkaConsumerRecord<byte[], byte[]> record) {
        commits.taken(record);
        // only once Kafka has the answer: a send that failed for good (retrying stopped at shutdown) stays
        // uncommitted, so the next owner of the partition reads it again
        handle(record).onSuccess(v -> commits.done(record));
    }

    private Future<?> handle(KafkaConsumerRecord<byte[], byte[]> record) {
        AnswerEvent event;
        try {
            event = validator.parse(RecordType.ANSWER_EVENT, record.value());
        } catch (InvalidRecordException e) {
            return deadLetters.send(record, STAGE, e.code(), e.getMessage());
        }
        String replyTo = header(record, HeaderNames.REPLY_TO);
        if (replyTo == null || !event.terminal()) {
            return Future.succeededFuture();
        }
        return replyTopics
                .resolve(replyTo)
                .<Void>compose(target -> reply(record, event, target).mapEmpty(), refused -> {
                    InvalidRecordException e = (InvalidRecordException) refused;
                    return deadLetters
                            .send(record, STAGE, e.code(), e.getMessage())
                            .mapEmpty();
                });
    }

    private Future<?> reply(KafkaConsumerRecord<byte[], byte[]> record, AnswerEvent event, String replyTo) {
        Answer answer = event.answer() != null
                ? event.answer()
                : Answer.failed(event.questionId(), event.corpus(), event.error());
        KafkaProducerRecord<String, byte[]> reply =
                KafkaProducerRecord.create(replyTo, answer.questionId(), Json.write(answer));
        String correlationId = header(record, HeaderNames.CORRELATION_ID);
        if (correlationId != null) {
            reply.addHeader(HeaderNames.CORRELATION_ID, correlationId);
        }
        return retrying.untilDone(
                "answering question " + answer.questionId() + " on " + replyTo, () -> send.apply(reply));
    }

    /** The last value of a header as text, or null. */
    static String header(KafkaConsumerRecord<?, byte[]> record, String name) {
        // from the Kafka record: Vert.x's view of the headers throws on a header without a value
        return header(record.record(), name);
    }

    /** The last value of a header as UTF-8 text, or null (absent, or present without a value). */
    static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    public Future<Void> close() {
        return consumer.close();
    }
}
