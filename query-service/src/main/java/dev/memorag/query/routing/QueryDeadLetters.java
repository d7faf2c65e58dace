package dev.memorag.query.routing;

import dev.memorag.schemas.DeadLetter;
import dev.memorag.schemas.ErrorCode;
import dev.memorag.schemas.TopicCatalog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.producer.KafkaHeader;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The query service's refused records on their way to the dead-letter topic, counted by stage and code. */
public final class QueryDeadLetters {
    private static final Logger log = LoggerFactory.getLogger(QueryDeadLetters.class);

    private final TopicCatalog topics;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Retrying retrying;
    private final MeterRegistry metrics;

    QueryDeadLetters(
            TopicCatalog topics, KafkaProducer<byte[], byte[]> producer, Retrying retrying, MeterRegistry metrics) {
        this.topics = topics;
        this.producer = producer;
        this.retrying = retrying;
        this.metrics = metrics;
    }

    /** Completes once Kafka has the dead letter: the original key, bytes and headers, with the reason. */
    Future<?> send(KafkaConsumerRecord<byte[], byte[]> record, String stage, ErrorCode code, String message) {
        log.warn(
                "{} dead-letters {}-{}@{}: {} {}",
                stage,
                record.topic(),
                record.partition(),
                record.offset(),
                code,
                message);
        Counter.builder("memorag.dead.letters")
                .description("records refused and sent to the dead-letter topic")
                .tag("stage", stage)
                .tag("code", code.name())
                .register(metrics)
                .increment();
        ProducerRecord<byte[], byte[]> dead = new DeadLetter(
                        stage, code, message, record.topic(), record.partition(), record.offset())
                .toRecord(
                        topics.deadLetters(),
                        record.key(),
                        record.value(),
                        new RecordHeaders(record.record().headers().toArray()));
        KafkaProducerRecord<byte[], byte[]> out = vertxRecord(dead);
        return retrying.untilDone("dead-lettering to " + dead.topic(), () -> producer.send(out));
    }

    /**
     * The record as Vert.x sends it. A Vert.x header cannot be without a value (both directions throw), so a header
     * that came without one is kept with an empty value.
     */
    static KafkaProducerRecord<byte[], byte[]> vertxRecord(ProducerRecord<byte[], byte[]> record) {
        KafkaProducerRecord<byte[], byte[]> out =
                KafkaProducerRecord.create(record.topic(), record.key(), record.value());
        record.headers()
                .forEach(h -> out.addHeader(
                        KafkaHeader.header(h.key(), h.value() == null ? Buffer.buffer() : Buffer.buffer(h.value()))));
        return out;
    }
}
