package dev.memorag.app.bench;

import dev.memorag.app.EmbeddedStack;
import dev.memorag.app.StackConfig;
import dev.memorag.embedding.Embedder;
import dev.memorag.ingest.chunking.Passage;
import dev.memorag.ingest.chunking.SentenceChunker;
import dev.memorag.schemas.Chunk;
import dev.memorag.schemas.Corpus;
import dev.memorag.schemas.Document;
import dev.memorag.schemas.Json;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
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

/**
 * End-to-end ingest throughput (Kafka → Streams admission → Flink chunk + embed → chunks topic, read_committed) as a
 * ratio to the bare chunk-and-embed throughput of the same texts, both measured in this run on this machine.
 */
public final class IngestBench {
    private static final String CORPUS = "bench";

    private final List<String> texts;
    private final StackConfig config;
    private final PrintStream out;

    /** {@code config} is the stack's (its ports and data directory are replaced); its chunk budget serves both. */
    public IngestBench(List<String> texts, StackConfig config, PrintStream out) {
        this.texts = texts;
        this.config = config;
        this.out = out;
    }

    /** Splits a text into {@code count} documents at paragraph boundaries. */
    public static List<String> documents(String text, int count) {
        String[] paragraphs = text.split("\\n\\s*\\n");
        List<String> docs = new ArrayList<>();
        int per = Math.max(1, paragraphs.length / count);
        for (int i = 0; i < paragraphs.length; i += per) {
            docs.add(String.join("\n\n", List.of(paragraphs).subList(i, Math.min(paragraphs.length, i + per))));
        }
        return docs;
    }

    public void run(Path workDir) throws Exception {
        Embedder embedder = Embedder.shared();
        embedder.embed(List.of("warm up the model before timing it"));
        SentenceChunker chunker = new SentenceChunker(config.chunkTokens());

        long start = System.nanoTime();
        long tokens = 0;
        int chunks = 0;
        for (String text : texts) {
            List<Passage> passages = chunker.split(text, embedder::countTokens);
            embedder.embed(passages.stream().map(Passage::text).toList());
            tokens += passages.stream().mapToLong(Passage::tokenCount).sum();
            chunks += passages.size();
        }
        double bareSeconds = (System.nanoTime() - start) / 1e9;

        double pipelineSeconds;
        try (EmbeddedStack stack = EmbeddedStack.start(config.withDataDir(workDir).withPorts(0, 0, 0))) {
            pipelineSeconds = timePipeline(stack, chunks);
        }
        out.printf("documents %d, passages %d, retriever tokens %,d (chunk budget %d)%n", texts.size(), chunks,
                tokens, config.chunkTokens());
        out.printf("%-44s %8s %10s %12s%n", "path", "seconds", "docs/s", "tokens/s");
        out.printf("%-44s %8.2f %10.2f %12.0f%n", "bare chunk + embed (same JVM, no pipeline)", bareSeconds,
                texts.size() / bareSeconds, tokens / bareSeconds);
        out.printf("%-44s %8.2f %10.2f %12.0f%n", "Kafka → Streams → Flink → chunks (committed)", pipelineSeconds,
                texts.size() / pipelineSeconds, tokens / pipelineSeconds);
        out.printf("ratio pipeline / bare throughput: %.2f%n", bareSeconds / pipelineSeconds);
    }

    /** From the first document produced to the last chunk visible to a read_committed consumer. */
    private double timePipeline(EmbeddedStack stack, int expectedChunks) throws Exception {
        var topics = stack.config().topics();
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 * 1024 * 1024);
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (var producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
             var consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer())) {
            producer.send(new ProducerRecord<>(topics.corpora(), CORPUS,
                    Json.write(Corpus.register(CORPUS, "bench-token-not-used", 0)))).get();
            awaitCorpus(stack);
            List<TopicPartition> partitions = consumer.partitionsFor(topics.chunks()).stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);

            long start = System.nanoTime();
            for (int i = 0; i < texts.size(); i++) {
                producer.send(new ProducerRecord<>(topics.documentsIn(), CORPUS,
                        Json.write(Document.upsert(CORPUS, "part-" + i, texts.get(i)))));
            }
            producer.flush();
            int seen = 0;
            long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
            while (seen < expectedChunks) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("only " + seen + " of " + expectedChunks + " chunks in 30 min");
                }
                for (var r : consumer.poll(Duration.ofMillis(100))) {
                    if (Json.read(r.value(), Chunk.class).corpus().equals(CORPUS)) {
                        seen++;
                    }
                }
            }
            return (System.nanoTime() - start) / 1e9;
        }
    }

    private static void awaitCorpus(EmbeddedStack stack) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (stack.statusView().corpus(CORPUS).isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("corpus registration not seen by admission");
            }
            Thread.sleep(20);
        }
    }
}
