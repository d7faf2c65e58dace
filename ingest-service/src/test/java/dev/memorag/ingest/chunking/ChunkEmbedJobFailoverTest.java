package dev.memorag.ingest.chunking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memorag.kafka.EmbeddedKafkaBroker;
import dev.memorag.kafka.TopicCreator;
import dev.memorag.schemas.AdmittedDocument;
import dev.memorag.schemas.Chunk;
import dev.memorag.schemas.Document;
import dev.memorag.schemas.Json;
import dev.memorag.schemas.TopicCatalog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chunk-and-embed job on a MiniCluster fails once, after a checkpoint completed and while records are in
 * flight; after the restart from that checkpoint, read_committed consumers see every chunk exactly once, in order
 * per corpus.
 */
class ChunkEmbedJobFailoverTest {
    private static final TopicCatalog TOPICS = new TopicCatalog("failover.", 2);
    private static final List<String> CORPORA = List.of("dickens", "austen", "eliot");
    private static final int DOCS_PER_CORPUS = 6;

    @TempDir
    java.nio.file.Path dir;

    @Test
    void aFailureAfterACheckpointLeavesEveryChunkExactlyOnceInOrderPerCorpus() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir, 0)) {
            TopicCreator.ensure(broker.bootstrapServers(), TOPICS.all());
            List<AdmittedDocument> documents = publishDocuments(broker.bootstrapServers());

            StreamExecutionEnvironment env = ChunkEmbedJob.localEnvironment();
            ChunkJobConfig config = new ChunkJobConfig(24, 2, Duration.ofMillis(300));
            ChunkEmbedJob.configure(env, config);
            ChunkEmbedJob.chunkAndEmbed(
                            ChunkEmbedJob.admittedDocuments(env, broker.bootstrapServers(), TOPICS)
                                    .map(new FailOnceAfterCheckpoint()),
                            config)
                    .sinkTo(ChunkEmbedJob.chunkSink(broker.bootstrapServers(), TOPICS));
            JobClient job = env.executeAsync("failover test");
            try {
                Map<String, Integer> expected = expectedChunkCounts(documents, config.chunkTokens());
                int total =
                        expected.values().stream().mapToInt(Integer::intValue).sum();
                Map<String, List<Chunk>> byCorpus = readCommittedChunks(broker.bootstrapServers(), total);

                assertTrue(FailOnceAfterCheckpoint.FAILED.get(), "the induced failure happened");
                assertTrue(
                        FailOnceAfterCheckpoint.PASSED_BEFORE_FAILURE.get() < documents.size(),
                        "it happened mid-stream, with documents still to come");
                Set<String> seen = new HashSet<>();
                for (String corpus : CORPORA) {
                    List<Chunk> chunks = byCorpus.get(corpus);
                    List<String> order = new ArrayList<>();
                    for (Chunk c : chunks) {
                        assertTrue(
                                seen.add(c.corpus() + "/" + c.doc() + "/" + c.index()),
                                "duplicate " + c.doc() + "#" + c.index());
                        order.add(c.doc() + "#" + c.index());
                    }
                    List<String> expectedOrder = new ArrayList<>();
                    documents.stream().filter(d -> d.corpus().equals(corpus)).forEach(d -> {
                        for (int i = 0; i < expected.get(corpus + "/" + d.id()); i++) {
                            expectedOrder.add(d.id() + "#" + i);
                        }
                    });
                    assertEquals(expectedOrder, order, "chunks of " + corpus + " in document and passage order");
                }
                assertEquals(total, seen.size());
            } finally {
                job.cancel().get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** Lets records through until a checkpoint has completed, then fails the task once. */
    static final class FailOnceAfterCheckpoint
            implements MapFunction<AdmittedDocument, AdmittedDocument>, CheckpointListener {
        static final AtomicBoolean FAILED = new AtomicBoolean();
        static final AtomicInteger PASSED = new AtomicInteger();
        static final AtomicInteger PASSED_BEFORE_FAILURE = new AtomicInteger();
        private boolean checkpointAfterData;

        @Override
        public AdmittedDocument map(AdmittedDocument doc) {
            if (checkpointAfterData && FAILED.compareAndSet(false, true)) {
                PASSED_BEFORE_FAILURE.set(PASSED.get());
                throw new IllegalStateException("induced failure after a completed checkpoint");
            }
            PASSED.incrementAndGet();
            return doc;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            checkpointAfterData = PASSED.get() > 0;
        }
    }

    private static List<AdmittedDocument> publishDocuments(String bootstrap) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        List<AdmittedDocument> documents = new ArrayList<>();
        try (var producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            for (int d = 0; d < DOCS_PER_CORPUS; d++) {
                for (String corpus : CORPORA) {
                    String text = ("Sentence one of %s in %s is here. Sentence two says a little more about it. "
                                    + "Sentence three closes paragraph %d of the document. A fourth sentence follows.")
                            .formatted("doc" + d, corpus, d);
                    AdmittedDocument doc =
                            AdmittedDocument.of(Document.upsert(corpus, "doc" + d, text), 1, "0".repeat(64), 1);
                    documents.add(doc);
                    producer.send(new ProducerRecord<>(TOPICS.documents(), corpus, Json.write(doc)));
                    // spread the input over time so that checkpoints complete between records
                    producer.flush();
                    Thread.sleep(40);
                }
            }
        }
        return documents;
    }

    private static Map<String, Integer> expectedChunkCounts(List<AdmittedDocument> documents, int tokens) {
        SentenceChunker chunker = new SentenceChunker(tokens);
        var embedder = dev.memorag.embedding.Embedder.shared();
        Map<String, Integer> counts = new HashMap<>();
        for (AdmittedDocument d : documents) {
            counts.put(
                    d.corpus() + "/" + d.id(),
                    chunker.split(d.text(), embedder::countTokens).size());
        }
        return counts;
    }

    private static Map<String, List<Chunk>> readCommittedChunks(String bootstrap, int total) {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, List<Chunk>> byCorpus = new HashMap<>();
        try (var consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(TOPICS.chunks()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            int read = 0;
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            // read past the expected count for a while: a duplicate would show up as an extra record
            long quietUntil = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadline, quietUntil)) {
                for (var r : consumer.poll(Duration.ofMillis(200))) {
                    Chunk chunk = Json.read(r.value(), Chunk.class);
                    assertEquals(chunk.corpus(), r.key());
                    byCorpus.computeIfAbsent(chunk.corpus(), k -> new ArrayList<>())
                            .add(chunk);
                    read++;
                }
                if (read >= total && quietUntil == Long.MAX_VALUE) {
                    quietUntil = System.nanoTime() + Duration.ofSeconds(2).toNanos();
                }
            }
            assertTrue(read >= total, "read " + read + " of " + total + " chunks");
        }
        return byCorpus;
    }
}
