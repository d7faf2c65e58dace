package dev.memorag.query.routing;

import dev.memorag.schemas.AnswerEvent;
import dev.memorag.schemas.HeaderNames;
import dev.memorag.schemas.Json;
import dev.memorag.schemas.Question;
import dev.memorag.schemas.TopicCatalog;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sends questions to the worker that owns their corpus ({@code recall}, keyed by corpus) and hands the answer events
 * that come back to whoever on this instance is waiting for them.
 */
public final class RecallRouter {
    private final TopicCatalog topics;
    private final KafkaProducer<String, byte[]> producer;
    private final Map<String, Handler<AnswerEvent>> listeners = new ConcurrentHashMap<>();

    public RecallRouter(TopicCatalog topics, KafkaProducer<String, byte[]> producer) {
        this.topics = topics;
        this.producer = producer;
    }

    /** Routes a question; reply-to and correlation id (may be null) travel as headers to the answer events. */
    public Future<Void> route(Question question, String replyTo, String correlationId) {
        KafkaProducerRecord<String, byte[]> record =
                KafkaProducerRecord.create(topics.recall(), question.corpus(), Json.write(question));
        if (replyTo != null) {
            record.addHeader(HeaderNames.REPLY_TO, replyTo);
        }
        if (correlationId != null) {
            record.addHeader(HeaderNames.CORRELATION_ID, correlationId);
        }
        return producer.send(record).mapEmpty();
    }

    /** Delivers every event of a question to {@code listener} until {@link #forget} or a terminal event. */
    public void listen(String questionId, Handler<AnswerEvent> listener) {
        listeners.put(questionId, listener);
    }

    public void forget(String questionId) {
        listeners.remove(questionId);
    }

    void dispatch(AnswerEvent event) {
        Handler<AnswerEvent> listener = event.terminal()
                ? listeners.remove(event.questionId())
                : listeners.get(event.questionId());
        if (listener != null) {
            listener.handle(event);
        }
    }

    public int inFlight() {
        return listeners.size();
    }
}
