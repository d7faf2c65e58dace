package dev.memorag.app.bench;

import dev.memorag.app.EmbeddedStack;
import dev.memorag.app.StackConfig;
import dev.memorag.clients.KafkaClients;
import dev.memorag.embedding.Embedder;
import dev.memorag.ingest.status.DocumentStatus;
import dev.memorag.schemas.AdmittedDocument;
import dev.memorag.schemas.Chunk;
import dev.memorag.schemas.Corpus;
import dev.memorag.schemas.DeadLetter;
import dev.memorag.schemas.Document;
import dev.memorag.schemas.HeaderNames;
import dev.memorag.schemas.Json;
import dev.memorag.schemas.Progress;
import dev.memorag.schemas.TopicCatalog;
import dev.memorag.settings.Part;
import dev.memorag.settings.SettingsCatalogue;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Ingest with bad records mixed in vs a clean ingest of the same documents, side by side in one stack: clean, mixed,
 * clean again, each into a corpus of its own, timed from the first record produced until the worker reports every
 * document of the corpus memorized. The mixed run sends {@code badPerGood} bad records after each document, rotating
 * through the ways a record can be wrong on the topics the ingest path reads; each must end up in the dead-letter
 * topic and no document may be lost.
 */
public final class DeadLetterBench {
    private final List<String> texts;
    private final int badPerGood;
    private final StackConfig config;
    private final PrintStream out;

    public DeadLetterBench(List<String> texts, int badPerGood, StackConfig config, PrintStream out) {
        this.texts = texts;
        this.badPerGood = badPerGood;
        this.config = config;
        this.out = out;
    }

    /** One way a record can be wrong: where it goes and what it holds, for the corpus being ingested. */
    private record BadKind(String name, Function<String, ProducerRecord<byte[], byte[]>> record) {}

    private record Run(String name, Stopwatch.Reading time, long memorized, int bad, int deadLettered) {}

    public void run(Path workDir) throws Exception {
        try (EmbeddedStack stack = EmbeddedStack.start(config.isolatedIn(workDir)
                        .with(
                                SettingsCatalogue.PARTS,
                                EnumSet.of(Part.BROKER, Part.INGEST, Part.CHUNKER, Part.WORKER)));
                KafkaProducer<byte[], byte[]> producer = producer(stack)) {
            List<BadKind> kinds = badKinds(stack.config().topics());
            ingest(stack, producer, "warmup", texts.subList(0, Math.min(texts.size(), 20)), kinds);
            List<Run> runs = List.of(
                    ingest(stack, producer, "clean-1", texts, List.of()),
                    ingest(stack, producer, "mixed", texts, kinds),
                    ingest(stack, producer, "clean-2", texts, List.of()));
            out.printf(
                    "documents %d per run, bad records %d per document in the mixed run (%d kinds)%n",
                    texts.size(), badPerGood, kinds.size());
            out.printf(
                    "%-8s %9s %8s %10s %10s %12s %14s%n",
                    "run", "seconds", "CPU s", "docs/s", "memorized", "bad records", "dead-lettered");
            for (Run r : runs) {
                out.printf(
                        "%-8s %9.2f %8.1f %10.2f %10d %12d %14d%n",
                        r.name(),
                        r.time().seconds(),
                        r.time().cpuSeconds(),
                        texts.size() / r.time().seconds(),
                        r.memorized(),
                        r.bad(),
                        r.deadLettered());
            }
            Run mixed = runs.get(1);
            double cleanSeconds =
                    (runs.get(0).time().seconds() + runs.get(2).time().seconds()) / 2;
            double cleanCpu =
                    (runs.get(0).time().cpuSeconds() + runs.get(2).time().cpuSeconds()) / 2;
            out.printf(
                    "ratio mixed / clean throughput (clean: mean of both clean runs): %.2f (CPU seconds mixed / "
                            + "clean: %.2f)%n",
                    cleanSeconds / mixed.time().seconds(), mixed.time().cpuSeconds() / cleanCpu);
        }
    }

    private Run ingest(
            EmbeddedStack stack,
            KafkaProducer<byte[], byte[]> producer,
            String corpus,
            List<String> docs,
            List<BadKind> kinds)
            throws Exception {
        TopicCatalog topics = stack.config().topics();
        producer.send(new ProducerRecord<>(
                        topics.corpora(),
                        bytes(corpus),
                        Json.write(Corpus.register(corpus, "bench-token-not-used", 0))))
                .get();
        await(() -> stack.statusView().corpus(corpus).isPresent(), "the registration of " + corpus);

        Stopwatch watch = Stopwatch.start();
        List<Future<RecordMetadata>> bad = new ArrayList<>();
        int kind = 0;
        for (int i = 0; i < docs.size(); i++) {
            producer.send(new ProducerRecord<>(
                    topics.documentsIn(), bytes(corpus), Json.write(Document.upsert(corpus, "doc-" + i, docs.get(i)))));
            for (int b = 0; b < badPerGood && !kinds.isEmpty(); b++) {
                bad.add(producer.send(kinds.get(kind++ % kinds.size()).record().apply(corpus)));
            }
        }
        producer.flush();
        await(
                () -> stack.statusView()
                                .progress(corpus)
                                .map(Progress::corpusDocuments)
                                .orElse(0L)
                        >= docs.size(),
                "every document of " + corpus + " memorized");
        Stopwatch.Reading time = watch.read();

        long memorized = stack.statusView().documents(corpus).stream()
                .filter(d -> d.stage() == DocumentStatus.Stage.MEMORIZED)
                .count();
        Set<String> sources = new HashSet<>();
        for (Future<RecordMetadata> f : bad) {
            RecordMetadata m = f.get();
            sources.add(m.topic() + "-" + m.partition() + "@" + m.offset());
        }
        return new Run(corpus, time, memorized, sources.size(), deadLettered(stack, sources));
    }

    /** How many of {@code sources} (topic-partition@offset) the dead-letter topic names, read until all or 2 min. */
    private static int deadLettered(EmbeddedStack stack, Set<String> sources) {
        if (sources.isEmpty()) {
            return 0;
        }
        Set<String> found = new HashSet<>();
        try (var consumer = new KafkaConsumer<byte[], byte[]>(
                KafkaClients.bytesConsumer(stack.bootstrapServers(), "bench-dlq-" + System.nanoTime(), "earliest"))) {
            consumer.subscribe(List.of(stack.config().topics().deadLetters()));
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (!found.containsAll(sources) && System.nanoTime() < deadline) {
                for (var r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.headers().lastHeader(HeaderNames.ERROR_CODE) != null) {
                        DeadLetter d = DeadLetter.readFrom(r.headers());
                        String source = d.sourceTopic() + "-" + d.sourcePartition() + "@" + d.sourceOffset();
                        if (sources.contains(source)) {
                            found.add(source);
                        }
                    }
                }
            }
        }
        return found.size();
    }

    /** Garbage and records that are wrong in context, on each topic of the ingest path. */
    private static List<BadKind> badKinds(TopicCatalog topics) {
        Random random = new Random(21);
        byte[] garbage = new byte[256];
        random.nextBytes(garbage);
        float[] vector = new float[Embedder.DIMENSIONS];
        return List.of(
                new BadKind("random bytes on documents.in", c -> record(topics.documentsIn(), c, garbage)),
                new BadKind("an empty object on documents.in", c -> record(topics.documentsIn(), c, bytes("{}"))),
                new BadKind(
                        "a document for an unknown corpus",
                        c -> record(
                                topics.documentsIn(), "nobody", Json.write(Document.upsert("nobody", "x", "text")))),
                new BadKind(
                        "a document under another key",
                        c -> record(topics.documentsIn(), "other", Json.write(Document.upsert(c, "x", "text")))),
                new BadKind(
                        "truncated JSON on documents.in",
                        c -> record(topics.documentsIn(), c, bytes("{\"schemaVersion\":1,\"corpus\":"))),
                new BadKind("random bytes on documents", c -> record(topics.documents(), c, garbage)),
                new BadKind(
                        "an admitted document under another key",
                        c -> record(
                                topics.documents(),
                                "other",
                                Json.write(
                                        AdmittedDocument.of(Document.upsert(c, "x", "text"), 1, "0".repeat(64), 0)))),
                new BadKind("random bytes on chunks", c -> record(topics.chunks(), c, garbage)),
                new BadKind(
                        "chunk 5 of 2",
                        c -> record(topics.chunks(), c, Json.write(Chunk.upsert(c, "x", 1, 5, 2, "text", 1, vector)))),
                new BadKind("an empty object on progress", c -> record(topics.progress(), c, bytes("{}"))));
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, String key, byte[] value) {
        return new ProducerRecord<>(topic, bytes(key), value);
    }

    private static KafkaProducer<byte[], byte[]> producer(EmbeddedStack stack) {
        Properties p = KafkaClients.documentProducer(stack.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        return new KafkaProducer<>(p);
    }

    private static void await(BooleanSupplier done, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not within 30 min: " + what);
            }
            Thread.sleep(100);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
