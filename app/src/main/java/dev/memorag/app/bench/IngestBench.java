package dev.memorag.app.bench;

import dev.memorag.app.EmbeddedStack;
import dev.memorag.app.StackConfig;
import dev.memorag.clients.KafkaClients;
import dev.memorag.embedding.Embedder;
import dev.memorag.ingest.chunking.Passage;
import dev.memorag.ingest.chunking.SentenceChunker;
import dev.memorag.schemas.Corpus;
import dev.memorag.schemas.Document;
import dev.memorag.schemas.Json;
import dev.memorag.settings.Part;
import dev.memorag.settings.SettingsCatalogue;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * End-to-end ingest throughput (Kafka → Streams admission → Flink chunk + embed → chunks topic, read_committed) as a
 * ratio to the bare chunk-and-embed throughput of the same texts, both measured in this run on this machine.
 */
public final class IngestBench {
    private static final String CORPUS = "bench";

    private final List<String> texts;
    private final List<String> warmup;
    private final StackConfig config;
    private final PrintStream out;

    /**
     * {@code config} is the stack's (its ports and data directory are replaced); its chunk budget serves both.
     * {@code warmup} texts go through each path, under other ids, before its clock starts (may be empty).
     */
    public IngestBench(List<String> texts, List<String> warmup, StackConfig config, PrintStream out) {
        this.texts = texts;
        this.warmup = warmup;
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
        SentenceChunker chunker = new SentenceChunker(config.get(SettingsCatalogue.CHUNK_TOKENS));
        int warmupChunks = chunkAndEmbed(warmup, chunker, embedder).chunks();

        Stopwatch bareWatch = Stopwatch.start();
        Work work = chunkAndEmbed(texts, chunker, embedder);
        Stopwatch.Reading bare = bareWatch.read();

        Stopwatch.Reading pipeline;
        // Only the parts on the measured path: a memory worker or query service would compete for the same cores.
        try (EmbeddedStack stack = EmbeddedStack.start(config.isolatedIn(workDir)
                .with(SettingsCatalogue.PARTS, EnumSet.of(Part.BROKER, Part.INGEST, Part.CHUNKER)))) {
            pipeline = timePipeline(stack, warmupChunks, work.chunks());
        }
        out.printf(
                "documents %d (after %d warm-up documents), passages %d, retriever tokens %,d (chunk budget %d)%n",
                texts.size(), warmup.size(), work.chunks(), work.tokens(), config.get(SettingsCatalogue.CHUNK_TOKENS));
        out.printf("%-44s %8s %10s %12s %8s%n", "path", "seconds", "docs/s", "tokens/s", "CPU s");
        print("bare chunk + embed (same JVM, no pipeline)", bare, work);
        print("Kafka → Streams → Flink → chunks (committed)", pipeline, work);
        out.printf(
                "ratio pipeline / bare throughput: %.2f (CPU seconds pipeline / bare: %.2f)%n",
                bare.seconds() / pipeline.seconds(), pipeline.cpuSeconds() / bare.cpuSeconds());
    }

    private void print(String path, Stopwatch.Reading time, Work work) {
        out.printf(
                "%-44s %8.2f %10.2f %12.0f %8.1f%n",
                path, time.seconds(), texts.size() / time.seconds(), work.tokens() / time.seconds(), time.cpuSeconds());
    }

    private record Work(long tokens, int chunks) {}

    /** The bare path, one document batch at a time. */
    private static Work chunkAndEmbed(List<String> texts, SentenceChunker chunker, Embedder embedder) {
        long tokens = 0;
        int chunks = 0;
        for (String text : texts) {
            List<Passage> passages = chunker.split(text, embedder::countTokens);
            embedder.embed(passages.stream().map(Passage::text).toList());
            tokens += passages.stream().mapToLong(Passage::tokenCount).sum();
            chunks += passages.size();
        }
        return new Work(tokens, chunks);
    }

    /**
     * The warm-up documents, then the clock: from the first document produced to the last chunk visible to a
     * read_committed consumer.
     */
    private Stopwatch.Reading timePipeline(EmbeddedStack stack, int warmupChunks, int expectedChunks) throws Exception {
        var topics = stack.config().topics();
        try (var producer = new KafkaProducer<String, byte[]>(KafkaClients.documentProducer(stack.bootstrapServers()));
                var consumer = new KafkaConsumer<String, byte[]>(
                        KafkaClients.consumer(stack.bootstrapServers(), null, "earliest"))) {
            producer.send(new ProducerRecord<>(
                            topics.corpora(), CORPUS, Json.write(Corpus.register(CORPUS, "bench-token-not-used", 0))))
                    .get();
            awaitCorpus(stack);
            List<TopicPartition> partitions = consumer.partitionsFor(topics.chunks()).stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);

            send(producer, topics.documentsIn(), "warmup-", warmup);
            awaitChunks(consumer, warmupChunks);
            Stopwatch watch = Stopwatch.start();
            send(producer, topics.documentsIn(), "part-", texts);
            awaitChunks(consumer, expectedChunks);
            return watch.read();
        }
    }

    private static void send(
            KafkaProducer<String, byte[]> producer, String topic, String idPrefix, List<String> texts) {
        for (int i = 0; i < texts.size(); i++) {
            producer.send(new ProducerRecord<>(
                    topic, CORPUS, Json.write(Document.upsert(CORPUS, idPrefix + i, texts.get(i)))));
        }
        producer.flush();
    }

    /** Reads on until {@code count} more chunks of the bench corpus are visible. */
    private static void awaitChunks(KafkaConsumer<String, byte[]> consumer, int count) {
        int seen = 0;
        long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
        while (seen < count) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + seen + " of " + count + " chunks in 30 min");
            }
            for (var r : consumer.poll(Duration.ofMillis(100))) {
                if (CORPUS.equals(r.key())) { // chunks are keyed by corpus: no need to parse their vectors
                    seen++;
                }
            }
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
