package dev.memorag.ingest.gateway;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes the gateway's records to Kafka; a request is answered only after the broker acknowledged its record
 * ({@code acks=all}, idempotent), so an accepted document is never lost.
 */
final class RecordPublisher implements AutoCloseable {
    private final Vertx vertx;
    private final KafkaProducer<String, byte[]> producer;

    RecordPublisher(Vertx vertx, String bootstrapServers) {
        this.vertx = vertx;
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 * 1024 * 1024);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        // send() blocks at most this long for metadata; publish() calls it on a worker thread
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    /** Completes once the broker has the record; callable from the event loop (send() may block on metadata). */
    Future<Void> publish(String topic, String key, byte[] value) {
        Promise<Void> done = Promise.promise();
        vertx.executeBlocking(() -> producer.send(new ProducerRecord<>(topic, key, value), (metadata, error) -> {
            if (error == null) {
                done.complete();
            } else {
                done.fail(error);
            }
        }), false).onFailure(done::tryFail);
        return done.future();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
