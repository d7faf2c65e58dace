package dev.memorag.query.routing;

import dev.memorag.schemas.AnswerEvent;
import dev.memorag.schemas.HeaderNames;
import dev.memorag.schemas.Json;
import dev.memorag.schemas.Question;
import dev.memorag.schemas.TopicCatalog;
import io.vertx.core.Future;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
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
    private final Map<String, Listener> listeners = new ConcurrentHashMap<>();
    private final RoutingMetrics metrics;

    /** A waiting asker and when its question was routed ({@code firstSeen} flips on its first event). */
    private static final class Listener {
        final Handler<AnswerEvent> handler;
        final long routedAt = System.nanoTime();
        volatile boolean firstSeen;

        Listener(Handler<AnswerEvent> handler) {
            this.handler = handler;
        }
    }

    public RecallRouter(TopicCatalog topics, KafkaProducer<String, byte[]> producer, MeterRegistry registry) {
        this.topics = topics;
        this.producer = producer;
        this.metrics = new RoutingMetrics(registry);
        Gauge.builder("memorag.questions.in.flight", listeners, Map::size)
                .description("questions this instance waits on").register(registry);
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
        metrics.routed();
        return producer.send(record).mapEmpty();
    }

    /** Tells the owning worker to stop answering; the question's events are no longer delivered here. */
    public Future<Void> cancel(Question question) {
        forget(question.id());
        KafkaProducerRecord<String, byte[]> record =
                KafkaProducerRecord.create(topics.recall(), question.corpus(), Json.write(question));
        record.addHeader(HeaderNames.CANCEL, "true");
        return producer.send(record).mapEmpty();
    }

    /** Delivers every event of a question to {@code listener} until {@link #forget} or a terminal event. */
    public void listen(String questionId, Handler<AnswerEvent> listener) {
        listeners.put(questionId, new Listener(listener));
    }

    public void forget(String questionId) {
        listeners.remove(questionId);
    }

    void dispatch(AnswerEvent event) {
        Listener listener = event.terminal()
                ? listeners.remove(event.questionId())
                : listeners.get(event.questionId());
        if (listener == null) {
            return;
        }
        if (!listener.firstSeen) {
            listener.firstSeen = true;
            metrics.firstEvent(listener.routedAt);
        }
        if (event.terminal()) {
            metrics.finished(event, listener.routedAt);
        }
        listener.handler.handle(event);
    }

    public int inFlight() {
        return listeners.size();
    }
}
