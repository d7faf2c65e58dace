package dev.memorag.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memorag.schemas.TopicCatalog;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaBrokerTest {
    @TempDir
    Path dir;

    @Test
    void servesTransactionsOnLoopbackAndKeepsTopicsAndRecordsAcrossRestart() throws Exception {
        TopicCatalog catalog = new TopicCatalog("t.", 2);
        String address;
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir, 0)) {
            address = broker.bootstrapServers();
            assertTrue(address.startsWith("127.0.0.1:"), address);
            TopicCreator.ensure(address, catalog.all());
            TopicCreator.ensure(address, catalog.all()); // idempotent
            try (var producer = transactionalProducer(address)) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(catalog.chunks(), "c", "committed"));
                producer.commitTransaction();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(catalog.chunks(), "c", "aborted"));
                producer.flush();
                producer.abortTransaction();
            }
            assertEquals(List.of("committed"), readCommitted(address, catalog.chunks(), 1));
        }
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir, 0)) {
            assertEquals(address, broker.bootstrapServers(), "same address after restart");
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, address))) {
                var names = admin.listTopics().names().get();
                catalog.all().forEach(t -> assertTrue(names.contains(t.name()), t.name()));
                assertEquals(
                        "compact",
                        admin.describeConfigs(List.of(new org.apache.kafka.common.config.ConfigResource(
                                        org.apache.kafka.common.config.ConfigResource.Type.TOPIC, catalog.corpora())))
                                .all()
                                .get()
                                .values()
                                .iterator()
                                .next()
                                .get("cleanup.policy")
                                .value());
            }
            assertEquals(List.of("committed"), readCommitted(address, catalog.chunks(), 1));
        }
    }

    private static KafkaProducer<String, String> transactionalProducer(String address) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, address);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "test-" + UUID.randomUUID());
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    private static List<String> readCommitted(String address, String topic, int expected) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, address);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "g-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<String> values = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
                if (values.size() >= expected) {
                    // one more poll: an aborted record would show up now if read_committed were broken
                    consumer.poll(Duration.ofMillis(500)).forEach(r -> values.add(r.value()));
                    break;
                }
            }
        }
        return values;
    }
}
