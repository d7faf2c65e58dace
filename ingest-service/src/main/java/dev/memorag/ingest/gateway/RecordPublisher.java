package dev.memorag.ingest.gateway;

import io.vertx.core.Future;
import io.vertx.core.Promise;
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
    private final KafkaProducer<String, byte[]> producer;

    RecordPublisher(String bootstrapServers) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 * 1024 * 1024);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        // send() blocks at most this long for metadata; it runs on a worker thread, never on the event loop
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    Future<Void> publish(String topic, String key, byte[] value) {
        Promise<Void> done = Promise.promise();
        try {
            producer.send(new ProducerRecord<>(topic, key, value), (metadata, error) -> {
                if (error == null) {
                    done.complete();
                } else {
                    done.fail(error);
                }
            });
        } catch (RuntimeException e) {
            done.fail(e);
        }
        return done.future();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
