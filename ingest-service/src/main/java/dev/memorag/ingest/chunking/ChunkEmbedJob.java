package dev.memorag.ingest.chunking;

import dev.memorag.schemas.AdmittedDocument;
import dev.memorag.schemas.Chunk;
import dev.memorag.schemas.Json;
import dev.memorag.schemas.TopicCatalog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.AbstractDeserializationSchema;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * {@code documents} → chunk + embed → {@code chunks}, exactly once.
 *
 * <p>No keyBy: source, chunker and sink are chained with equal parallelism, so each Kafka partition (all documents
 * of a corpus) flows through one subtask in order, and the sink keys chunks by corpus again. Checkpoints commit the
 * source offsets and the sink's transaction together; downstream reads with {@code read_committed}.
 */
public final class ChunkEmbedJob {
    private ChunkEmbedJob() {
    }

    /** Adds the job's pipeline to an environment; the caller executes it (MiniCluster or a Flink cluster). */
    public static void define(StreamExecutionEnvironment env, String bootstrapServers, TopicCatalog topics,
                              ChunkJobConfig config) {
        env.enableCheckpointing(config.checkpointInterval().toMillis(), CheckpointingMode.EXACTLY_ONCE);
        env.setParallelism(config.parallelism());

        KafkaSource<AdmittedDocument> source = KafkaSource.<AdmittedDocument>builder()
                .setBootstrapServers(bootstrapServers)
                .setTopics(topics.documents())
                .setGroupId(topics.prefix() + "chunker")
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
                .setValueOnlyDeserializer(new AdmittedDocumentSchema())
                .build();

        Properties producer = new Properties();
        // Must stay below the broker's transaction.max.timeout.ms (15 min by default).
        producer.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "600000");
        KafkaSink<Chunk> sink = KafkaSink.<Chunk>builder()
                .setBootstrapServers(bootstrapServers)
                .setKafkaProducerConfig(producer)
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(topics.prefix() + "chunker")
                .setRecordSerializer(KafkaRecordSerializationSchema.<Chunk>builder()
                        .setTopic(topics.chunks())
                        .setKeySerializationSchema(new CorpusKey())
                        .setValueSerializationSchema(new ChunkJson())
                        .build())
                .build();

        env.fromSource(source, WatermarkStrategy.noWatermarks(), "admitted documents")
                .uid("admitted-documents")
                .flatMap(new ChunkAndEmbed(config.chunkTokens()))
                .uid("chunk-and-embed")
                .name("chunk and embed")
                .sinkTo(sink)
                .uid("chunks")
                .name("chunks");
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

    static final class AdmittedDocumentSchema extends AbstractDeserializationSchema<AdmittedDocument> {
        @Override
        public AdmittedDocument deserialize(byte[] message) throws IOException {
            return Json.MAPPER.readValue(message, AdmittedDocument.class);
        }
    }
}
