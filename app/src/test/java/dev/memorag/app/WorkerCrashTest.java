package dev.memorag.app;

import static dev.memorag.app.ChildProcesses.freePort;
import static dev.memorag.app.ChildProcesses.tail;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memorag.embedding.Embedder;
import dev.memorag.kafka.EmbeddedKafkaBroker;
import dev.memorag.kafka.TopicCreator;
import dev.memorag.schemas.Chunk;
import dev.memorag.schemas.Json;
import dev.memorag.schemas.Progress;
import dev.memorag.schemas.TopicCatalog;
import dev.memorag.worker.model.TensorDType;
import dev.memorag.worker.model.TinyCheckpointWriter;
import dev.memorag.worker.retrieval.IndexedPassages;
import dev.memorag.worker.retrieval.RetrievalIndex;
import dev.memorag.worker.retrieval.RetrievalSettings;
import dev.memorag.worker.store.MemoryCursor;
import dev.memorag.worker.store.RocksCorpusStore;
import dev.memorag.worker.store.StoredChunk;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A memory worker in its own JVM, with a small beacon checkpoint, is killed with SIGKILL at random points while it
 * stores and memorizes two corpora; after each kill it restarts on the same state directory. Its final store must
 * equal, byte for byte, that of a worker that ran the same input uninterrupted.
 */
class WorkerCrashTest {
    private static final Map<String, Integer> CORPORA = Map.of("ledger", 24, "letters", 24);
    private static final int CHUNKS_PER_DOC = 3;
    private static final int KILLS = 10;
    /** The corpora arrive in this many slices, one per worker life; all but the last are killed mid-way. */
    private static final int SLICES = 12;

    private static final List<String> WORDS = List.of(
            "counting",
            "house",
            "fog",
            "ledger",
            "candle",
            "clerk",
            "shilling",
            "winter",
            "door",
            "knocker",
            "chain",
            "cash",
            "box",
            "bell",
            "stair",
            "fire",
            "gruel",
            "spoon",
            "nephew",
            "merry",
            "dinner",
            "goose",
            "pudding",
            "street",
            "snow",
            "church",
            "clock",
            "night");
    private static final TopicCatalog TOPICS = new TopicCatalog(TopicCatalog.DEFAULT_PREFIX, 2);

    private final List<Process> processes = new ArrayList<>();

    @TempDir
    Path dir;

    private String bootstrap;
    private Path model;

    @AfterEach
    void stopAll() {
        processes.forEach(Process::destroyForcibly);
    }

    @Test
    void aWorkerKilledAtRandomPointsEndsWithTheStateOfAnUninterruptedRun() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("broker"), freePort())) {
            bootstrap = broker.bootstrapServers();
            TopicCreator.ensure(bootstrap, TOPICS.all());
            // a few layers, so that a memorization step takes measurable time
            model = TinyCheckpointWriter.write(
                    dir.resolve("model"),
                    new TinyCheckpointWriter.Spec("qwen2", 4, 256, 4, 2, 512, 64, 4, TensorDType.F32, 1, false, 7));
            List<List<ProducerRecord<String, byte[]>>> slices = chunkRecords();

            // the crashed run: each slice of the corpora arrives while a worker runs, and that worker is killed once
            // it has committed some of it, so every kill lands mid-ingest whatever the machine's speed
            Map<TopicPartition, Long> reportsBefore = endOffsets(TOPICS.progress());
            Random random = new Random(11);
            List<Long> killedAt = new ArrayList<>();
            for (List<ProducerRecord<String, byte[]>> slice : slices) {
                Process worker = startWorker("crashed");
                long before = progress("crashed");
                ChildProcesses.produce(bootstrap, slice);
                long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
                while (progress("crashed") == before && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                Thread.sleep(random.nextInt(300));
                long at = progress("crashed");
                worker.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook, no flush
                if (!complete("crashed")) {
                    killedAt.add(at);
                }
            }
            Process last = startWorker("crashed");
            awaitComplete("crashed", last, Duration.ofMinutes(4));
            last.destroy();
            last.waitFor();
            Map<TopicPartition, Long> reportsAfter = endOffsets(TOPICS.progress());

            Process reference = startWorker("reference");
            awaitComplete("reference", reference, Duration.ofMinutes(4));
            reference.destroy();
            reference.waitFor();

            assertTrue(killedAt.size() >= KILLS, "killed mid-way " + killedAt.size() + " times: " + killedAt);
            assertTrue(killedAt.stream().distinct().count() >= KILLS / 2, "at different points: " + killedAt);
            assertSameState(dir.resolve("reference/worker"), dir.resolve("crashed/worker"));
            assertIndexEqualsStore(dir.resolve("crashed/worker"));
            assertEquals(
                    expectedDocuments(),
                    memorizedReports(reportsBefore, reportsAfter),
                    "every document is reported memorized, also those whose report a kill cut off");
        }
    }

    private Map<TopicPartition, Long> endOffsets(String topic) {
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            return consumer.endOffsets(partitions);
        }
    }

    /** Corpus/document pairs reported memorized between {@code from} and {@code to}. */
    private Set<String> memorizedReports(Map<TopicPartition, Long> from, Map<TopicPartition, Long> to) {
        Set<String> out = new TreeSet<>();
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            consumer.assign(from.keySet());
            from.forEach(consumer::seek);
            while (from.keySet().stream().anyMatch(p -> consumer.position(p) < to.get(p))) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.offset() >= to.get(new TopicPartition(r.topic(), r.partition()))) {
                        continue;
                    }
                    Progress progress = Json.read(r.value(), Progress.class);
                    if (progress.stage() == Progress.Stage.MEMORIZED) {
                        out.add(progress.corpus() + "/" + progress.doc());
                    }
                }
            }
        }
        return out;
    }

    private static Set<String> expectedDocuments() {
        Set<String> out = new TreeSet<>();
        CORPORA.forEach((corpus, docs) -> {
            for (int d = 0; d < docs; d++) {
                out.add(corpus + "/doc-" + d);
            }
        });
        return out;
    }

    private KafkaConsumer<String, byte[]> consumer() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    }

    /** The chunk records of both corpora, in order, cut into {@link #SLICES} slices. */
    private static List<List<ProducerRecord<String, byte[]>>> chunkRecords() {
        List<ProducerRecord<String, byte[]>> all = new ArrayList<>();
        Random random = new Random(3);
        for (Map.Entry<String, Integer> corpus : CORPORA.entrySet()) {
            for (int d = 0; d < corpus.getValue(); d++) {
                for (int i = 0; i < CHUNKS_PER_DOC; i++) {
                    StringBuilder text = new StringBuilder();
                    for (int w = 0; w < 60; w++) {
                        text.append(WORDS.get(random.nextInt(WORDS.size()))).append(w % 12 == 11 ? ". " : " ");
                    }
                    float[] vector = new float[Embedder.DIMENSIONS];
                    for (int v = 0; v < vector.length; v++) {
                        vector[v] = random.nextFloat();
                    }
                    Chunk chunk = Chunk.upsert(
                            corpus.getKey(),
                            "doc-" + d,
                            1,
                            i,
                            CHUNKS_PER_DOC,
                            text.toString().strip(),
                            60,
                            vector);
                    all.add(new ProducerRecord<>(TOPICS.chunks(), corpus.getKey(), Json.write(chunk)));
                }
            }
        }
        List<List<ProducerRecord<String, byte[]>>> slices = new ArrayList<>();
        int size = (all.size() + SLICES - 1) / SLICES;
        for (int from = 0; from < all.size(); from += size) {
            slices.add(all.subList(from, Math.min(all.size(), from + size)));
        }
        return slices;
    }

    /** Starts a worker-only {@code memorag up} with the checkpoint on {@code <dir>/<name>}; waits until it is up. */
    private Process startWorker(String name) throws Exception {
        Path log = dir.resolve(name + ".log");
        ProcessBuilder builder = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx768m",
                        "@" + Path.of("..", "bin", "jvm.options").toAbsolutePath(),
                        "-Dai.djl.pytorch.num_threads=1",
                        "-cp",
                        System.getProperty("java.class.path"),
                        "dev.memorag.app.cli.MemoragCli",
                        "up",
                        "--parts",
                        "worker",
                        "--bootstrap-servers",
                        bootstrap,
                        "--data-dir",
                        dir.resolve(name).toString(),
                        "--model-dir",
                        model.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("MEMORAG_PARTITIONS", Integer.toString(TOPICS.partitions()));
        builder.environment().put("MEMORAG_HEALTH_PORT", "0");
        Process process = builder.start();
        processes.add(process);
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (!Files.exists(log) || !Files.readString(log).contains("MemoRAG is up")) {
            assertTrue(process.isAlive() && System.nanoTime() < deadline, () -> name + " did not start: " + tail(log));
            Thread.sleep(100);
        }
        return process;
    }

    /** Model tokens memorized over all corpora, read from the worker's store while it runs. */
    private long progress(String name) {
        Path store = dir.resolve(name).resolve("worker");
        if (!Files.exists(store.resolve("CURRENT"))) {
            return 0;
        }
        try (RocksCorpusStore s = openWhileWritten(store)) {
            return CORPORA.keySet().stream()
                    .mapToLong(c -> s.memoryCursor(c).map(MemoryCursor::tokens).orElse(0L))
                    .sum();
        }
    }

    /** Every passage stored and memorized. */
    private boolean complete(String name) {
        Path store = dir.resolve(name).resolve("worker");
        if (!Files.exists(store.resolve("CURRENT"))) {
            return false;
        }
        try (RocksCorpusStore s = openWhileWritten(store)) {
            return CORPORA.entrySet().stream().allMatch(c -> {
                long chunks = (long) c.getValue() * CHUNKS_PER_DOC;
                return s.stats(c.getKey()).chunks() == chunks
                        && s.memoryCursor(c.getKey())
                                .map(m -> m.lastSeq() == chunks - 1)
                                .orElse(false);
            });
        }
    }

    /** A read-only view of a store the worker is writing; opening races with its log file rotation, so retry. */
    private static RocksCorpusStore openWhileWritten(Path store) {
        for (int attempt = 1; ; attempt++) {
            try {
                return RocksCorpusStore.openReadOnly(store);
            } catch (RuntimeException e) {
                if (attempt == 20) {
                    throw e;
                }
                try {
                    Thread.sleep(25);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private void awaitComplete(String name, Process worker, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!complete(name)) {
            assertTrue(
                    worker.isAlive() && System.nanoTime() < deadline,
                    () -> name + " did not finish: " + tail(dir.resolve(name + ".log")));
            Thread.sleep(200);
        }
    }

    /**
     * The retrieval index lives in memory only, so a killed worker's is gone: a restarted worker builds it from its
     * store on a corpus's first question. Built that way from the crashed worker's store, it holds exactly the
     * store's live passages.
     */
    private static void assertIndexEqualsStore(Path stateDir) {
        try (RocksCorpusStore store = RocksCorpusStore.openReadOnly(stateDir);
                RetrievalIndex index = RetrievalIndex.attach(store, RetrievalSettings.defaults())) {
            for (String corpus : CORPORA.keySet()) {
                Set<Long> live =
                        store.chunks(corpus).stream().map(StoredChunk::seq).collect(Collectors.toSet());
                assertEquals(CORPORA.get(corpus) * CHUNKS_PER_DOC, live.size(), "passages of " + corpus);
                IndexedPassages indexed = index.passages(corpus);
                assertEquals(live, indexed.lexical(), "BM25 passages of " + corpus);
                assertEquals(live, indexed.dense(), "vector passages of " + corpus);
            }
        }
    }

    private static void assertSameState(Path expectedDir, Path actualDir) {
        try (RocksCorpusStore expected = RocksCorpusStore.openReadOnly(expectedDir);
                RocksCorpusStore actual = RocksCorpusStore.openReadOnly(actualDir)) {
            for (int p = 0; p < TOPICS.partitions(); p++) {
                TopicPartition partition = new TopicPartition(TOPICS.chunks(), p);
                assertEquals(expected.nextOffset(partition), actual.nextOffset(partition), "offsets of " + partition);
            }
            for (String corpus : CORPORA.keySet()) {
                assertEquals(expected.stats(corpus), actual.stats(corpus), "documents, chunks, tokens");
                List<StoredChunk> want = expected.chunks(corpus);
                List<StoredChunk> got = actual.chunks(corpus);
                assertEquals(want.size(), got.size());
                for (int i = 0; i < want.size(); i++) {
                    StoredChunk w = want.get(i);
                    StoredChunk g = got.get(i);
                    assertEquals(
                            List.of(w.doc(), w.version(), w.index(), w.count(), w.seq(), w.tokenCount(), w.text()),
                            List.of(g.doc(), g.version(), g.index(), g.count(), g.seq(), g.tokenCount(), g.text()));
                    assertArrayEquals(w.vector(), g.vector());
                }
                MemoryCursor wc = expected.memoryCursor(corpus).orElseThrow();
                MemoryCursor gc = actual.memoryCursor(corpus).orElseThrow();
                assertEquals(
                        List.of(
                                wc.fingerprint(),
                                wc.lastSeq(),
                                wc.tokens(),
                                wc.windows(),
                                wc.chunkTokens(),
                                wc.rebuiltGeneration()),
                        List.of(
                                gc.fingerprint(),
                                gc.lastSeq(),
                                gc.tokens(),
                                gc.windows(),
                                gc.chunkTokens(),
                                gc.rebuiltGeneration()),
                        "memory cursor of " + corpus);
                assertArrayEquals(wc.pending(), gc.pending(), "unfinished window of " + corpus);
                assertTrue(wc.windows() > 20, "the corpus spans many windows: " + wc.windows());
                List<byte[]> ww = expected.memoryWindows(corpus, wc.windows());
                List<byte[]> gw = actual.memoryWindows(corpus, gc.windows());
                for (int w = 0; w < ww.size(); w++) {
                    assertArrayEquals(ww.get(w), gw.get(w), corpus + " memory window " + w + ", bitwise");
                }
            }
        }
    }
}
