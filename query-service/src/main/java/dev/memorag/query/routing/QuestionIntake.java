package dev.memorag.query.routing;

import dev.memorag.query.KafkaSettings;
import dev.memorag.schemas.Answer;
import dev.memorag.schemas.DeadLetter;
import dev.memorag.schemas.ErrorCode;
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
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.internals.Topic;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import io.vertx.kafka.client.producer.KafkaHeader;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.util.List;
import java.util.Map;

/**
 * Takes questions from {@code questions}: valid ones are routed to the owning worker with their reply-to (default
 * {@code answers}) and correlation id; invalid ones get an error answer on their reply topic when they carry an id,
 * and always a dead-letter record with the reason.
 */
public final class QuestionIntake {
    private final TopicCatalog topics;
    private final RecallRouter router;
    private final KafkaProducer<String, byte[]> producer;
    private final KafkaConsumer<String, byte[]> consumer;
    private final RecordValidator validator = new RecordValidator();
    private final KafkaClientMetrics consumerMetrics;

    public QuestionIntake(Vertx vertx, String bootstrapServers, TopicCatalog topics, RecallRouter router,
                          KafkaProducer<String, byte[]> producer, MeterRegistry metrics) {
        this.topics = topics;
        this.router = router;
        this.producer = producer;
        this.consumer = KafkaConsumer.create(vertx,
                KafkaSettings.consumer(bootstrapServers, topics.prefix() + "query-intake", "earliest"));
        // consumer metrics, records-lag-max among them: how far Kafka questions wait behind this instance
        this.consumerMetrics = new KafkaClientMetrics(consumer.unwrap());
        consumerMetrics.bindTo(metrics);
    }

    public Future<Void> start() {
        consumer.handler(this::take);
        return consumer.subscribe(topics.questions());
    }

    private void take(KafkaConsumerRecord<String, byte[]> record) {
        String replyTo = ReplyDelivery.header(record, HeaderNames.REPLY_TO);
        String correlationId = ReplyDelivery.header(record, HeaderNames.CORRELATION_ID);
        String target = replyTo == null || replyTo.isBlank() ? topics.answers() : replyTo;
        Future<?> handled;
        try {
            checkTopicName(target);
            Question question = validator.parse(RecordType.QUESTION, record.value());
            handled = router.route(question, target, correlationId);
        } catch (InvalidRecordException e) {
            handled = reject(record, e, e.code() == ErrorCode.MISSING_REPLY_TO ? topics.answers() : target,
                    correlationId);
        }
        handled.onSuccess(v -> consumer.commit(Map.of(new TopicPartition(record.topic(), record.partition()),
                new OffsetAndMetadata(record.offset() + 1, null))));
    }

    private Future<?> reject(KafkaConsumerRecord<String, byte[]> record, InvalidRecordException e, String replyTo,
                             String correlationId) {
        var headers = new org.apache.kafka.common.header.internals.RecordHeaders();
        new DeadLetter("query.questions", e.code(), e.getMessage(), record.topic(), record.partition(), record.offset())
                .writeTo(headers);
        KafkaProducerRecord<String, byte[]> dead =
                KafkaProducerRecord.create(topics.deadLetters(), record.key(), record.value());
        headers.forEach(h -> dead.addHeader(h.key(), new String(h.value(), java.nio.charset.StandardCharsets.UTF_8)));
        Future<?> deadLettered = producer.send(dead);
        String questionId = questionIdOf(record.value());
        if (questionId == null) {
            return deadLettered;
        }
        Answer error = Answer.failed(questionId, record.key() == null ? "" : record.key(), e.toErrorInfo());
        KafkaProducerRecord<String, byte[]> reply = KafkaProducerRecord.create(replyTo, questionId, Json.write(error));
        if (correlationId != null) {
            reply.addHeader(KafkaHeader.header(HeaderNames.CORRELATION_ID, correlationId));
        }
        return Future.all(List.of(deadLettered, producer.send(reply)));
    }

    /** A reply-to that Kafka would refuse is caught here, so its error answer goes to the default topic instead. */
    private static void checkTopicName(String name) {
        try {
            Topic.validate(name);
        } catch (InvalidTopicException e) {
            throw new InvalidRecordException(ErrorCode.MISSING_REPLY_TO,
                    "header reply-to '" + name + "' is not a usable topic name: " + e.getMessage());
        }
    }

    /** The question id of an invalid question, if its bytes are JSON with a textual id. */
    private static String questionIdOf(byte[] value) {
        try {
            var id = Json.MAPPER.readTree(value).get("id");
            return id != null && id.isTextual() && !id.asText().isBlank() ? id.asText() : null;
        } catch (Exception notJson) {
            return null;
        }
    }

    public Future<Void> close() {
        consumerMetrics.close();
        return consumer.close();
    }
}
