package dev.memorag.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.memorag.kafka.TopicCreator;
import dev.memorag.schemas.TopicCatalog.TopicSpec;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Plain Kafka clients for tests that act as outside producers and consumers of the stack's topics. */
final class TestKafka {
    private TestKafka() {}

    static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    static KafkaConsumer<byte[], byte[]> consumer(String bootstrap) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Every record of {@code topics} from the start until {@code done} holds for what was read, or the timeout. */
    static List<ConsumerRecord<byte[], byte[]>> readUntil(
            String bootstrap,
            Collection<String> topics,
            java.util.function.Predicate<List<ConsumerRecord<byte[], byte[]>>> done,
            Duration timeout) {
        List<ConsumerRecord<byte[], byte[]>> read = new java.util.ArrayList<>();
        try (var consumer = consumer(bootstrap)) {
            consumer.subscribe(topics);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!done.test(read) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(read::add);
            }
        }
        return read;
    }

    /** The records keyed by each of {@code keys} (UTF-8), read from the start of {@code topic}; all must arrive. */
    static Map<String, List<ConsumerRecord<byte[], byte[]>>> keyed(
            String bootstrap, String topic, Set<String> keys, Duration timeout) {
        Map<String, List<ConsumerRecord<byte[], byte[]>>> found = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : readUntil(
                bootstrap,
                List.of(topic),
                read -> read.stream()
                        .map(TestKafka::key)
                        .collect(java.util.stream.Collectors.toSet())
                        .containsAll(keys),
                timeout)) {
            if (keys.contains(key(r))) {
                found.computeIfAbsent(key(r), k -> new java.util.ArrayList<>()).add(r);
            }
        }
        assertEquals(keys, found.keySet(), "records on " + topic);
        return found;
    }

    /**
     * Every committed record of {@code topic} now: read with {@code read_committed} up to the end of each partition,
     * so that records of aborted transactions and transaction markers (which take offsets too) do not count.
     */
    static List<ConsumerRecord<byte[], byte[]>> committed(String bootstrap, String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<byte[], byte[]>> read = new java.util.ArrayList<>();
        try (var consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                consumer.poll(Duration.ofMillis(200)).forEach(read::add);
            }
        }
        return read;
    }

    static String key(ConsumerRecord<byte[], ?> record) {
        return record.key() == null ? null : new String(record.key(), java.nio.charset.StandardCharsets.UTF_8);
    }

    static void createTopic(String bootstrap, String name) throws Exception {
        TopicCreator.ensure(bootstrap, List.of(new TopicSpec(name, 1, Map.of())));
    }

    static Set<String> topicNames(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            return admin.listTopics().names().get();
        }
    }

    /** The summed end offsets of each topic. */
    static Map<String, Long> endOffsets(String bootstrap, Collection<String> topics) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            admin.describeTopics(topics)
                    .allTopicNames()
                    .get()
                    .forEach((name, description) -> description
                            .partitions()
                            .forEach(p -> request.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
            Map<String, Long> ends = new java.util.TreeMap<>();
            admin.listOffsets(request)
                    .all()
                    .get()
                    .forEach((partition, info) -> ends.merge(partition.topic(), info.offset(), Long::sum));
            return ends;
        }
    }
}
