package dev.memorag.ingest.chunking;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memorag.embedding.Embedder;
import dev.memorag.kafka.EmbeddedKafkaBroker;
import dev.memorag.kafka.TopicCreator;
import dev.memorag.schemas.AdmittedDocument;
import dev.memorag.schemas.Chunk;
import dev.memorag.schemas.DeadLetter;
import dev.memorag.schemas.Document;
import dev.memorag.schemas.ErrorCode;
import dev.memorag.schemas.HeaderNames;
import dev.memorag.schemas.Json;
import dev.memorag.schemas.Op;
import dev.memorag.schemas.TopicCatalog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chunk-and-embed job on a MiniCluster with restarts switched off reads a documents topic where bad records sit
 * between good ones: every good document is chunked, every bad record is dead-lettered exactly once with its
 * coordinates and original bytes, and the job is still running.
 */
class ChunkEmbedJobDeadLetterTest {
    private static final TopicCatalog TOPICS = new TopicCatalog("poison.", 2);
    private static final ChunkJobConfig CONFIG = new ChunkJobConfig(24, 2, Duration.ofMillis(300));

    @TempDir
    Path dir;

    /** A record for the documents topic, the code it must be refused with (null: a good one), where it landed. */
    private record Sent(ProducerRecord<byte[], byte[]> record, ErrorCode refusedWith, RecordMetadata at) {}

    @Test
    void badRecordsAreDeadLetteredOnceAndTheJobGoesOn() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir, 0)) {
            TopicCreator.ensure(broker.bootstrapServers(), TOPICS.all());
            StreamExecutionEnvironment env = ChunkEmbedJob.localEnvironment();
            // A failure would otherwise be hidden by a restart that the exactly-once sinks make invisible.
            Configuration noRestarts = new Configuration();
            noRestarts.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
            env.configure(noRestarts);
            ChunkEmbedJob.define(env, broker.bootstrapServers(), TOPICS, CONFIG);
            JobClient job = env.executeAsync("dead letter test");
            try {
                List<Sent> sent = produce(broker.bootstrapServers());
                List<AdmittedDocument> good = sent.stream()
                        .filter(s -> s.refusedWith() == null)
                        .map(s -> Json.read(s.record().value(), AdmittedDocument.class))
                        .toList();
                List<Sent> bad =
                        sent.stream().filter(s -> s.refusedWith() != null).toList();

                Map<String, Integer> expected = expectedChunkCounts(good);
                int total =
                        expected.values().stream().mapToInt(Integer::intValue).sum();
                Set<String> chunks = new HashSet<>();
                for (ConsumerRecord<byte[], byte[]> r :
                        readCommitted(broker.bootstrapServers(), TOPICS.chunks(), total)) {
                    Chunk c = Json.read(r.value(), Chunk.class);
                    assertTrue(chunks.add(c.corpus() + "/" + c.doc() + "#" + c.index()), "duplicate chunk " + c);
                    assertEquals(expected.get(c.corpus() + "/" + c.doc()), c.count());
                }
                assertEquals(total, chunks.size(), "every chunk of every good document");

                Map<String, ConsumerRecord<byte[], byte[]>> dead = new HashMap<>();
                for (ConsumerRecord<byte[], byte[]> r :
                        readCommitted(broker.bootstrapServers(), TOPICS.deadLetters(), bad.size())) {
                    DeadLetter reason = DeadLetter.readFrom(r.headers());
                    String at = reason.sourceTopic() + "-" + reason.sourcePartition() + "@" + reason.sourceOffset();
                    assertTrue(dead.put(at, r) == null, "dead-lettered twice: " + at);
                }
                assertEquals(bad.size(), dead.size(), "one dead letter per bad record: " + dead.keySet());
                for (Sent s : bad) {
                    ConsumerRecord<byte[], byte[]> r =
                            dead.get(s.at().topic() + "-" + s.at().partition() + "@" + s.at().offset());
                    assertNotNull(r, "no dead letter for " + s.refusedWith() + " at " + s.at());
                    DeadLetter reason = DeadLetter.readFrom(r.headers());
                    assertEquals("ingest.chunker", reason.stage());
                    assertEquals(s.refusedWith(), reason.code(), reason.message());
                    assertFalse(DeadLetter.get(r.headers(), HeaderNames.ERROR_MESSAGE)
                            .isBlank());
                    assertArrayEquals(s.record().key(), r.key());
                    assertArrayEquals(s.record().value(), r.value());
                    assertEquals(DeadLetter.get(s.record().headers(), "trace"), DeadLetter.get(r.headers(), "trace"));
                }
                assertEquals(JobStatus.RUNNING, job.getJobStatus().get(10, TimeUnit.SECONDS));
            } finally {
                // A job that failed took its MiniCluster down with it: only a running one can be cancelled.
                if (!job.getJobExecutionResult().isDone()) {
                    job.cancel().get(30, TimeUnit.SECONDS);
                }
            }
        }
    }

    /** Good documents with every kind of bad record between them; each carries a trace header. */
    private static List<Sent> produce(String bootstrap) throws Exception {
        List<Sent> planned = List.of(
                planned("austen", good("austen", "emma"), null),
                planned("austen", new byte[] {(byte) 0xc3, 0x28, 0x00, (byte) 0xff}, ErrorCode.MALFORMED_JSON),
                planned("dickens", good("dickens", "bleak-house"), null),
                planned("dickens", new byte[0], ErrorCode.MALFORMED_JSON),
                planned(
                        "austen",
                        "{\"schemaVersion\":1,\"corpus\":\"austen\",\"op\":\"upsert\"}"
                                .getBytes(StandardCharsets.UTF_8),
                        ErrorCode.SCHEMA_VIOLATION),
                planned("eliot", good("eliot", "middlemarch"), null),
                planned(
                        "eliot",
                        Json.write(Document.upsert("eliot", "silas", "Not yet admitted.")),
                        ErrorCode.SCHEMA_VIOLATION),
                planned("dickens", good("austen", "persuasion"), ErrorCode.KEY_MISMATCH),
                planned(
                        "eliot",
                        Json.write(new AdmittedDocument(
                                1, "eliot", "romola", Op.UPSERT, null, null, null, 1, "0".repeat(64), 1)),
                        ErrorCode.INCONSISTENT),
                planned("austen", good("austen", "mansfield-park"), null));

        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        List<Sent> sent = new ArrayList<>();
        try (var producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (Sent s : planned) {
                s.record().headers().add("trace", ("record-" + sent.size()).getBytes(StandardCharsets.UTF_8));
                sent.add(new Sent(
                        s.record(), s.refusedWith(), producer.send(s.record()).get()));
            }
        }
        return sent;
    }

    private static Sent planned(String key, byte[] value, ErrorCode refusedWith) {
        return new Sent(
                new ProducerRecord<>(TOPICS.documents(), key.getBytes(StandardCharsets.UTF_8), value),
                refusedWith,
                null);
    }

    private static byte[] good(String corpus, String id) {
        String text = ("%s of %s begins with a first sentence. A second sentence says a little more about it. "
                        + "The third sentence closes the opening paragraph. A fourth sentence follows.")
                .formatted(id, corpus);
        return Json.write(AdmittedDocument.of(Document.upsert(corpus, id, text), 1, "0".repeat(64), 1));
    }

    private static Map<String, Integer> expectedChunkCounts(List<AdmittedDocument> documents) {
        SentenceChunker chunker = new SentenceChunker(CONFIG.chunkTokens());
        Map<String, Integer> counts = new HashMap<>();
        for (AdmittedDocument d : documents) {
            counts.put(
                    d.corpus() + "/" + d.id(),
                    chunker.split(d.text(), Embedder.shared()::countTokens).size());
        }
        return counts;
    }

    /** Every committed record of a topic: at least {@code expected}, then whatever arrives in two quiet seconds. */
    private static List<ConsumerRecord<byte[], byte[]>> readCommitted(String bootstrap, String topic, int expected) {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            long quietUntil = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadline, quietUntil)) {
                consumer.poll(Duration.ofMillis(200)).forEach(read::add);
                if (read.size() >= expected && quietUntil == Long.MAX_VALUE) {
                    quietUntil = System.nanoTime() + Duration.ofSeconds(2).toNanos();
                }
            }
        }
        assertTrue(read.size() >= expected, "read " + read.size() + " of " + expected + " records from " + topic);
        return read;
    }
}
