package dev.memorag.ingest.chunking;

import dev.memorag.clients.KafkaClients;
import dev.memorag.schemas.AdmittedDocument;
import dev.memorag.schemas.Chunk;
import dev.memorag.schemas.Json;
import dev.memorag.schemas.TopicCatalog;
import dev.memorag.settings.Settings;
import dev.memorag.settings.SettingsCatalogue;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * {@code documents} → chunk + embed → {@code chunks}, exactly once; records the chunker cannot use →
 * {@code dlq}, exactly once too, and the job goes on.
 *
 * <p>No keyBy: source, chunker and sink are chained with equal parallelism, so each Kafka partition (all documents
 * of a corpus) flows through one subtask in order, and the sink keys chunks by corpus again. Checkpoints commit the
 * source offsets and the sink's transaction together; downstream reads with {@code read_committed}.
 */
public final class ChunkEmbedJob {
    private ChunkEmbedJob() {}

    /** Adds the job's pipeline to an environment; the caller executes it (MiniCluster or a Flink cluster). */
    public static void define(
            StreamExecutionEnvironment env, String bootstrapServers, TopicCatalog topics, ChunkJobConfig config) {
        configure(env, config);
        SingleOutputStreamOperator<AdmittedDocument> documents = admittedDocuments(env, bootstrapServers, topics);
        chunkAndEmbed(documents, config)
                .sinkTo(chunkSink(bootstrapServers, topics))
                .uid("chunks")
                .name("chunks");
        documents
                .getSideOutput(SplitRefusals.REFUSED)
                .sinkTo(deadLetterSink(bootstrapServers, topics))
                .uid("dead-letters")
                .name("dead letters");
    }

    /** Exactly-once checkpoints at the configured interval and parallelism. */
    public static void configure(StreamExecutionEnvironment env, ChunkJobConfig config) {
        env.enableCheckpointing(config.checkpointInterval().toMillis(), CheckpointingMode.EXACTLY_ONCE);
        env.setParallelism(config.parallelism());
    }

    /**
     * Committed admitted documents that the chunker can use; offsets live in Flink checkpoints (the group's committed
     * ones are a hint). Records it cannot use leave through the {@link SplitRefusals#REFUSED} side output.
     */
    public static SingleOutputStreamOperator<AdmittedDocument> admittedDocuments(
            StreamExecutionEnvironment env, String bootstrapServers, TopicCatalog topics) {
        KafkaSource<ChunkerInput> source = KafkaSource.<ChunkerInput>builder()
                .setBootstrapServers(bootstrapServers)
                .setTopics(topics.documents())
                .setGroupId(topics.prefix() + "chunker")
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
                .setDeserializer(new AdmittedDocumentSchema())
                .build();
        return env.fromSource(source, WatermarkStrategy.noWatermarks(), "admitted documents")
                .uid("admitted-documents")
                .process(new SplitRefusals())
                .uid("split-refusals")
                .name("split refusals");
    }

    public static DataStream<Chunk> chunkAndEmbed(DataStream<AdmittedDocument> documents, ChunkJobConfig config) {
        return documents
                .flatMap(new ChunkAndEmbed(config.chunkTokens()))
                .uid("chunk-and-embed")
                .name("chunk and embed");
    }

    /** Transactional sink: chunks become visible to read_committed consumers when a checkpoint completes. */
    public static KafkaSink<Chunk> chunkSink(String bootstrapServers, TopicCatalog topics) {
        return KafkaSink.<Chunk>builder()
                .setBootstrapServers(bootstrapServers)
                .setKafkaProducerConfig(transactionalProducer())
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(topics.prefix() + "chunker")
                .setRecordSerializer(KafkaRecordSerializationSchema.<Chunk>builder()
                        .setTopic(topics.chunks())
                        .setKeySerializationSchema(new CorpusKey())
                        .setValueSerializationSchema(new ChunkJson())
                        .build())
                .build();
    }

    /**
     * Refused records to the dead-letter topic, exactly once like the chunks: a replay from the last checkpoint
     * after a failure aborts the open transaction instead of adding the same dead letters again. They become
     * visible when the checkpoint completes. The transactional id prefix must not start with the chunk sink's, or
     * one sink's abort of lingering transactions could reach the other's.
     */
    public static KafkaSink<Refusal> deadLetterSink(String bootstrapServers, TopicCatalog topics) {
        return KafkaSink.<Refusal>builder()
                .setBootstrapServers(bootstrapServers)
                .setKafkaProducerConfig(transactionalProducer())
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(topics.prefix() + "dead-letters.chunker")
                .setRecordSerializer(new DeadLetterRecord(topics.deadLetters()))
                .build();
    }

    private static Properties transactionalProducer() {
        Properties producer = new Properties();
        // Must stay below the broker's transaction.max.timeout.ms (15 min by default).
        producer.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "600000");
        producer.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, KafkaClients.MAX_RECORD_BYTES);
        return producer;
    }

    /**
     * A local environment bound to 127.0.0.1 with bounded restarts, so that a job that keeps failing surfaces
     * instead of retrying forever.
     */
    public static StreamExecutionEnvironment localEnvironment() {
        return localEnvironment(new Configuration());
    }

    /** {@link #localEnvironment()} with {@code overrides} on top (a checkpoint directory, a state to restore). */
    public static StreamExecutionEnvironment localEnvironment(Configuration overrides) {
        Configuration conf = new Configuration();
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        conf.set(RestOptions.ADDRESS, "127.0.0.1");
        conf.set(JobManagerOptions.ADDRESS, "127.0.0.1");
        conf.set(JobManagerOptions.BIND_HOST, "127.0.0.1");
        conf.set(TaskManagerOptions.BIND_HOST, "127.0.0.1");
        conf.set(TaskManagerOptions.HOST, "127.0.0.1");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 5);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(2));
        conf.addAll(overrides);
        return StreamExecutionEnvironment.createLocalEnvironment(conf);
    }

    /**
     * Entry point on a Flink cluster: {@code flink run -c dev.memorag.ingest.chunking.ChunkEmbedJob job.jar}.
     * Settings come from the environment, as for every process ({@code SettingsCatalogue}): {@code
     * MEMORAG_BOOTSTRAP_SERVERS} (required), {@code MEMORAG_TOPIC_PREFIX}, {@code MEMORAG_PARTITIONS} and those of
     * {@link ChunkJobConfig#of}.
     */
    public static void main(String[] args) throws Exception {
        Settings settings = Settings.fromEnvironment();
        String bootstrap = settings.require(SettingsCatalogue.BOOTSTRAP_SERVERS, "the job reads and writes Kafka");
        TopicCatalog topics = TopicCatalog.of(settings);
        ChunkJobConfig config = ChunkJobConfig.of(settings);
        StreamExecutionEnvironment flink = StreamExecutionEnvironment.getExecutionEnvironment();
        define(flink, bootstrap, topics, config);
        flink.execute("memorag chunk-and-embed");
    }

    // Named classes, not lambdas: Flink's lineage extraction needs the schemas' generic types.
    static final class CorpusKey implements SerializationSchema<Chunk> {
        @Override
        public byte[] serialize(Chunk chunk) {
            return chunk.corpus().getBytes(StandardCharsets.UTF_8);
        }
    }

    static final class ChunkJson implements SerializationSchema<Chunk> {
        @Override
        public byte[] serialize(Chunk chunk) {
            return Json.write(chunk);
        }
    }

    static final class DeadLetterRecord implements KafkaRecordSerializationSchema<Refusal> {
        private final String topic;

        DeadLetterRecord(String topic) {
            this.topic = topic;
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(Refusal refusal, KafkaSinkContext context, Long timestamp) {
            return refusal.toRecord(topic);
        }
    }
}
