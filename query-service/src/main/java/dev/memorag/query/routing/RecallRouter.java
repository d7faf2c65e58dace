package dev.memorag.query.routing;

import dev.memorag.schemas.AnswerEvent;
import dev.memorag.schemas.ErrorCode;
import dev.memorag.schemas.ErrorInfo;
import dev.memorag.schemas.HeaderNames;
import dev.memorag.schemas.Json;
import dev.memorag.schemas.Question;
import dev.memorag.schemas.TopicCatalog;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.util.Collection;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sends questions to the worker that owns their corpus ({@code recall}, keyed by corpus) and hands the answer events
 * that come back to whoever on this instance is waiting for them. A question someone here waits for names one of the
 * {@code answer-events} partitions this instance reads ({@link HeaderNames#REPLY_PARTITION}), so its events come
 * here and to no other instance; when that partition moves to another instance (a rebalance), its waiting askers
 * are told to ask again.
 */
public final class RecallRouter {
    private final TopicCatalog topics;
    private final KafkaProducer<String, byte[]> producer;
    private final Map<String, Listener> listeners = new ConcurrentHashMap<>();
    private final RoutingMetrics metrics;
    private final ReplyPartitions replyPartitions = new ReplyPartitions();

    /**
     * A waiting asker, when its question was routed ({@code firstSeen} flips on its first event) and the partition
     * its events come on (-1 until routed).
     */
    private static final class Listener {
        final Handler<AnswerEvent> handler;
        final long routedAt = System.nanoTime();
        volatile boolean firstSeen;
        volatile int partition = -1;
        volatile String corpus;

        Listener(Handler<AnswerEvent> handler) {
            this.handler = handler;
        }
    }

    public RecallRouter(TopicCatalog topics, KafkaProducer<String, byte[]> producer, MeterRegistry registry) {
        this.topics = topics;
        this.producer = producer;
        this.metrics = new RoutingMetrics(registry);
        Gauge.builder("memorag.questions.in.flight", listeners, Map::size)
                .description("questions this instance waits on")
                .register(registry);
    }

    /**
     * Routes a question; reply-to and correlation id (may be null) travel as headers to the answer events. A question
     * someone here {@link #listen listens} to fails with {@link NoReplyPartitionException} while this instance reads
     * no answer partition; one nobody here waits for (a Kafka question, answered on its reply topic by reply
     * delivery) needs none.
     */
    public Future<Void> route(Question question, String replyTo, String correlationId) {
        KafkaProducerRecord<String, byte[]> record =
                KafkaProducerRecord.create(topics.recall(), question.corpus(), Json.write(question));
        Listener listener = listeners.get(question.id());
        if (listener != null) {
            OptionalInt partition = replyPartitions.next();
            if (partition.isEmpty()) {
                return Future.failedFuture(new NoReplyPartitionException());
            }
            listener.partition = partition.getAsInt();
            listener.corpus = question.corpus();
            record.addHeader(HeaderNames.REPLY_PARTITION, Integer.toString(partition.getAsInt()));
        }
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
        Listener listener = event.terminal() ? listeners.remove(event.questionId()) : listeners.get(event.questionId());
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

    ReplyPartitions replyPartitions() {
        return replyPartitions;
    }

    /** The answer partitions this instance reads from now on, besides those it read already. */
    void answerPartitionsAssigned(Collection<Integer> partitions) {
        replyPartitions.add(partitions);
    }

    /** These answer partitions are read elsewhere now: whoever waits on one of them will not hear back here. */
    void answerPartitionsRevoked(Collection<Integer> partitions) {
        replyPartitions.remove(partitions);
        listeners.forEach((questionId, listener) -> {
            if (partitions.contains(listener.partition) && listeners.remove(questionId, listener)) {
                listener.handler.handle(AnswerEvent.error(
                        questionId,
                        listener.corpus,
                        Integer.MAX_VALUE,
                        ErrorInfo.of(
                                ErrorCode.UNAVAILABLE,
                                "the query service instance this question was asked at "
                                        + "handed its answers over to another instance (a rebalance); ask again")));
            }
        });
    }

    /** This instance reads no partition of {@code answer-events}, so it cannot hear an answer back. */
    public static final class NoReplyPartitionException extends RuntimeException {
        NoReplyPartitionException() {
            super("this query service instance reads no answer-events partition yet (starting, rebalancing, or more "
                    + "instances than the topic has partitions); retry shortly");
        }
    }

    public int inFlight() {
        return listeners.size();
    }
}
