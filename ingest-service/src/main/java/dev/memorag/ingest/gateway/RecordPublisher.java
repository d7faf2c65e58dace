package dev.memorag.ingest.gateway;

import dev.memorag.clients.KafkaClients;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes the gateway's records to Kafka; a request is answered only after the broker acknowledged its record
 * ({@code acks=all}, idempotent), so an accepted document is never lost.
 */
final class RecordPublisher implements AutoCloseable {
    private final Vertx vertx;
    private final KafkaProducer<String, byte[]> producer;

    RecordPublisher(Vertx vertx, String bootstrapServers) {
        this.vertx = vertx;
        Properties p = KafkaClients.documentProducer(bootstrapServers);
        // send() blocks at most this long for metadata; publish() calls it on a worker thread
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        this.producer = new KafkaProducer<>(p);
    }

    /** Completes once the broker has the record; callable from the event loop (send() may block on metadata). */
    Future<Void> publish(String topic, String key, byte[] value) {
        Promise<Void> done = Promise.promise();
        vertx.executeBlocking(
                        () -> producer.send(new ProducerRecord<>(topic, key, value), (metadata, error) -> {
                            if (error == null) {
                                done.complete();
                            } else {
                                done.fail(error);
                            }
                        }),
                        false)
                .onFailure(done::tryFail);
        return done.future();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
