package dev.memorag.worker;

import dev.memorag.schemas.DeadLetter;
import dev.memorag.schemas.InvalidRecordException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's refused input records on their way to the dead-letter topic. The poll loop adds them as it meets
 * them and {@link #awaitSent} before it stores or commits the offsets past them, so a crash can repeat a dead letter
 * but never lose one. Poll thread only.
 */
final class DeadLetters {
    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final MeterRegistry metrics;
    private final List<Pending> pending = new ArrayList<>();

    private record Pending(ProducerRecord<byte[], byte[]> record, Future<RecordMetadata> sent) {}

    /** {@code producer} is the caller's; it must not be transactional. */
    DeadLetters(KafkaProducer<byte[], byte[]> producer, String topic, MeterRegistry metrics) {
        this.producer = producer;
        this.topic = topic;
        this.metrics = metrics;
    }

    void add(ConsumerRecord<byte[], byte[]> record, String stage, InvalidRecordException reason) {
        log.warn(
                "{} dead-letters {}-{}@{}: {} {}",
                stage,
                record.topic(),
                record.partition(),
                record.offset(),
                reason.code(),
                reason.getMessage());
        ProducerRecord<byte[], byte[]> dead = new DeadLetter(
                        stage, reason.code(), reason.getMessage(), record.topic(), record.partition(), record.offset())
                .toRecord(topic, record.key(), record.value(), record.headers());
        pending.add(new Pending(dead, producer.send(dead)));
        Counter.builder("memorag.dead.letters")
                .description("records refused and sent to the dead-letter topic")
                .tag("stage", stage)
                .tag("code", reason.code().name())
                .register(metrics)
                .increment();
    }

    /**
     * Blocks until Kafka has acknowledged every dead letter added so far. A send that failed (the producer already
     * retried it for {@code delivery.timeout.ms}) is sent again: a dead letter is never given up on.
     */
    void awaitSent() throws InterruptedException {
        while (!pending.isEmpty()) {
            List<Pending> failed = new ArrayList<>();
            for (Pending p : pending) {
                try {
                    p.sent().get();
                } catch (ExecutionException e) {
                    log.warn(
                            "a dead letter could not be sent ({}); sending it again",
                            e.getCause().toString());
                    failed.add(new Pending(p.record(), producer.send(p.record())));
                }
            }
            pending.clear();
            pending.addAll(failed);
        }
    }
}
