package dev.memorag.query.routing;

import dev.memorag.query.KafkaSettings;
import dev.memorag.schemas.Answer;
import dev.memorag.schemas.AnswerEvent;
import dev.memorag.schemas.HeaderNames;
import dev.memorag.schemas.Json;
import dev.memorag.schemas.TopicCatalog;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import io.vertx.kafka.client.producer.KafkaHeader;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.util.Map;

/**
 * Writes the final {@link Answer} of every question that came with a reply-to header to that topic, echoing the
 * correlation id. One shared consumer group over all instances, committing after each answer is written: a restart
 * re-delivers rather than loses (duplicates carry the same question id).
 */
public final class ReplyDelivery {
    private final KafkaConsumer<String, byte[]> consumer;
    private final KafkaProducer<String, byte[]> producer;

    public ReplyDelivery(Vertx vertx, String bootstrapServers, TopicCatalog topics,
                         KafkaProducer<String, byte[]> producer) {
        this.consumer = KafkaConsumer.create(vertx,
                KafkaSettings.consumer(bootstrapServers, topics.prefix() + "query-replies", "earliest"));
        this.producer = producer;
    }

    public Future<Void> start(String topic) {
        consumer.handler(this::deliver);
        return consumer.subscribe(topic);
    }

    private void deliver(KafkaConsumerRecord<String, byte[]> record) {
        String replyTo = header(record, HeaderNames.REPLY_TO);
        AnswerEvent event = Json.read(record.value(), AnswerEvent.class);
        if (replyTo == null || !event.terminal()) {
            commit(record);
            return;
        }
        Answer answer = event.answer() != null ? event.answer()
                : Answer.failed(event.questionId(), event.corpus(), event.error());
        KafkaProducerRecord<String, byte[]> reply =
                KafkaProducerRecord.create(replyTo, answer.questionId(), Json.write(answer));
        String correlationId = header(record, HeaderNames.CORRELATION_ID);
        if (correlationId != null) {
            reply.addHeader(HeaderNames.CORRELATION_ID, correlationId);
        }
        producer.send(reply).onSuccess(m -> commit(record));
    }

    private void commit(KafkaConsumerRecord<String, byte[]> record) {
        consumer.commit(Map.of(new TopicPartition(record.topic(), record.partition()),
                new OffsetAndMetadata(record.offset() + 1, null)));
    }

    static String header(KafkaConsumerRecord<String, byte[]> record, String name) {
        String value = null;
        for (KafkaHeader h : record.headers()) {
            if (h.key().equals(name)) {
                value = h.value().toString();
            }
        }
        return value;
    }

    public Future<Void> close() {
        return consumer.close();
    }
}
