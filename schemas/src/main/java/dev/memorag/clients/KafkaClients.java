package dev.memorag.clients;

import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Every Kafka client configuration of the project, so that each stage talks to Kafka the same way: string keys
 * (corpus or question id) and JSON bytes values, producers that lose nothing they acknowledged, consumers that
 * commit only what they finished and never read aborted records (the registry and Flink's chunks are written in
 * transactions). Callers add only what is theirs (group membership, assignment strategy, poll sizes).
 *
 * <p>It lives in {@code schemas} beside the topic catalog, not in a Vert.x module: the worker and the Flink job use
 * it too, and must not pull in Vert.x. Vert.x clients take the same {@link Properties}.
 */
public final class KafkaClients {
    /** The largest record a producer sends: a document's text with its metadata (the gateway caps text below it). */
    public static final int MAX_RECORD_BYTES = 8 * 1024 * 1024;

    private KafkaClients() {}

    /** String keys, JSON bytes values; {@code acks=all} and idempotent, so an acknowledged record is kept once. */
    public static Properties producer(String bootstrapServers) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "1");
        return p;
    }

    /** A producer of records as they were read: byte keys, for dead letters that keep the original key. */
    public static Properties bytesProducer(String bootstrapServers) {
        Properties p = producer(bootstrapServers);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }

    /** A producer of whole documents: records up to {@link #MAX_RECORD_BYTES}, compressed. */
    public static Properties documentProducer(String bootstrapServers) {
        Properties p = producer(bootstrapServers);
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(MAX_RECORD_BYTES));
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        return p;
    }

    /**
     * A consumer that commits only what it has finished with and reads committed records only; {@code groupId} null
     * for one that assigns its partitions itself.
     */
    public static Properties consumer(String bootstrapServers, String groupId, String offsetReset) {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        if (groupId != null) {
            c.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        }
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, offsetReset);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return c;
    }

    /** A consumer with byte keys: what it cannot use is dead-lettered with the key exactly as it came. */
    public static Properties bytesConsumer(String bootstrapServers, String groupId, String offsetReset) {
        Properties c = consumer(bootstrapServers, groupId, offsetReset);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return c;
    }

    /** An admin client. */
    public static Properties admin(String bootstrapServers) {
        Properties a = new Properties();
        a.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return a;
    }

    /**
     * A Kafka Streams application with exactly-once processing: its state in {@code stateDir}, its internal topics
     * replicated {@code replicationFactor} times, commits every 100 ms so that a status is visible soon after.
     */
    public static Properties streams(
            String applicationId, String bootstrapServers, Path stateDir, int replicationFactor) {
        Properties s = new Properties();
        s.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        s.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        s.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        s.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        s.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, replicationFactor);
        s.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        return s;
    }
}
