package dev.memorag.worker.memory;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.memorag.embedding.Embedder;
import dev.memorag.schemas.AnswerEvent;
import dev.memorag.schemas.Chunk;
import dev.memorag.schemas.Question;
import dev.memorag.worker.bench.BenchLog;
import dev.memorag.worker.model.ComputeDevice;
import dev.memorag.worker.model.ModelConfig;
import dev.memorag.worker.model.TensorDType;
import dev.memorag.worker.model.TinyCheckpointWriter;
import dev.memorag.worker.recall.ClueGenerator;
import dev.memorag.worker.recall.ExtractiveGenerator;
import dev.memorag.worker.recall.RecallService;
import dev.memorag.worker.retrieval.RetrievalIndex;
import dev.memorag.worker.retrieval.RetrievalSettings;
import dev.memorag.worker.store.AppliedBatch;
import dev.memorag.worker.store.MemoryCursor;
import dev.memorag.worker.store.RocksCorpusStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Benchmarks of the worker's memory path over a real RocksDB store, skipped unless -Dmemorag.bench=true:
 * <ul>
 *   <li>{@code restoreVersusRecompute}: memorize a corpus of -Dmemorag.bench.corpus tokens (default 65536) on the
 *   "small" config through the memorizer, then restore it cold from RocksDB, and the memory's bytes on disk per
 *   token against layers x 2 x kv heads x head dim x 4 bytes / ratio;</li>
 *   <li>{@code questionLatencyBusyVersusIdle}: question latency (clues from memory, retrieval, extractive answer) on
 *   an idle worker, then while the memorizer extends another corpus's memory.</li>
 * </ul>
 * Lines go to stdout and target/benchmark-worker.txt.
 */
class WorkerBenchmark {
    private static final BenchLog LOG = new BenchLog(Path.of("target/benchmark-worker.txt"));
    private static final TopicPartition P0 = new TopicPartition("memorag.chunks", 0);
    private static final List<String> WORDS = List.of(
            "the",
            "old",
            "man",
            "counted",
            "coins",
            "in",
            "a",
            "cold",
            "room",
            "while",
            "snow",
            "fell",
            "on",
            "city",
            "streets",
            "and",
            "bells",
            "rang",
            "for",
            "christmas",
            "his",
            "clerk",
            "warmed",
            "hands",
            "over",
            "candle",
            "ghost",
            "came",
            "at",
            "night",
            "with",
            "chains",
            "spoke",
            "of",
            "past",
            "present",
            "future",
            "family",
            "dinner",
            "goose",
            "pudding",
            "laughed",
            "window");

    @TempDir
    Path dir;

    @Test
    void restoreVersusRecompute() throws IOException, InterruptedException {
        assumeTrue(Boolean.getBoolean("memorag.bench"), "benchmark: run with -Dmemorag.bench=true");
        int target = Integer.getInteger("memorag.bench.corpus", 65536);
        Path checkpoint = BenchLog.smallCheckpoint();
        LOG.report("restore vs recompute, small config, load average at start: %s", BenchLog.loadAverage());
        try (RocksCorpusStore store = new RocksCorpusStore(dir.resolve("store"));
                MemoryModel model = MemoryModel.load(checkpoint, ComputeDevice.cpu(), null)) {
            int tokens = ingest(store, model, "big", target, 400, new Random(1));
            long start = System.nanoTime();
            try (CorpusMemories memories = new CorpusMemories(model, store, Long.MAX_VALUE);
                    Memorizer memorizer = new Memorizer(memories, store, new QuestionGate(), (c, d) -> {}, 16)) {
                while (memorizer.step("big")) {
                    // each step is one atomic write of its windows and cursor
                }
            }
            double recompute = BenchLog.seconds(start);
            MemoryCursor cursor = store.memoryCursor("big").orElseThrow();
            LOG.report(
                    "memorize %d stream tokens (%d windows) through the memorizer: %.1f s (%.0f tokens/s)",
                    cursor.tokens(), cursor.windows(), recompute, cursor.tokens() / recompute);

            double[] restores = new double[3];
            for (int i = 0; i < restores.length; i++) {
                try (CorpusMemories cold = new CorpusMemories(model, store, Long.MAX_VALUE)) {
                    long t0 = System.nanoTime();
                    int windows = cold.read("big", loaded -> loaded.memory().windowCount());
                    restores[i] = BenchLog.seconds(t0);
                    if (windows != cursor.windows()) {
                        throw new AssertionError("restored " + windows + " windows of " + cursor.windows());
                    }
                }
            }
            Arrays.sort(restores);
            LOG.report(
                    "restore from RocksDB (cold, median of 3): %.3f s; recompute / restore = %.0fx",
                    restores[1], recompute / restores[1]);

            ModelConfig c = model.model().config();
            double theory = (double) c.numLayers()
                    * 2
                    * c.numKvHeads()
                    * c.headDim()
                    * Float.BYTES
                    / c.beacon().ratio();
            long disk = store.memoryDiskBytes();
            long memorized = (long) cursor.windows() * c.beacon().window();
            LOG.report(
                    "memory on disk: %d bytes for %d tokens in full windows = %.1f bytes/token; theory %d x 2 x %d x %d"
                            + " x 4 / %d = %.1f bytes/token; overhead %.2f%%",
                    disk,
                    memorized,
                    (double) disk / memorized,
                    c.numLayers(),
                    c.numKvHeads(),
                    c.headDim(),
                    c.beacon().ratio(),
                    theory,
                    100.0 * ((double) disk / memorized / theory - 1));
            if (tokens < target) {
                throw new AssertionError("corpus too small: " + tokens);
            }
        }
    }

    @Test
    void questionLatencyBusyVersusIdle() throws IOException, InterruptedException {
        assumeTrue(Boolean.getBoolean("memorag.bench"), "benchmark: run with -Dmemorag.bench=true");
        int questions = Integer.getInteger("memorag.bench.questions", 12);
        Path checkpoint = TinyCheckpointWriter.write(
                dir.resolve("model"),
                new TinyCheckpointWriter.Spec("qwen2", 4, 256, 4, 2, 704, 512, 4, TensorDType.F32, 1, false, 5));
        LOG.report(
                "question latency busy vs idle (4 layers, hidden 256, window 512, r 4), load average at start: %s",
                BenchLog.loadAverage());
        try (RocksCorpusStore store = new RocksCorpusStore(dir.resolve("store"));
                MemoryModel model = MemoryModel.load(checkpoint, ComputeDevice.cpu(), null);
                CorpusMemories memories = new CorpusMemories(model, store, Long.MAX_VALUE)) {
            QuestionGate gate = new QuestionGate();
            ingest(store, model, "asked", 8192, 300, new Random(2));
            try (Memorizer warmup = new Memorizer(memories, store, gate, (c, d) -> {}, 16)) {
                while (warmup.step("asked")) {
                    // the asked corpus is fully memorized before any timing
                }
            }
            RecallService recall = new RecallService(
                    store,
                    indexOf(store),
                    Embedder.shared(),
                    new ClueGenerator(memories),
                    new ExtractiveGenerator(Embedder.shared(), 3),
                    gate);
            ask(recall, 2); // JIT and caches

            // idle and busy questions alternate, so load from elsewhere on the machine hits both alike
            int busyTokens = ingest(store, model, "ingesting", 65536, 300, new Random(3));
            double[] idle = new double[questions];
            double[] busy = new double[questions];
            long busyNanos = 0;
            for (int i = 0; i < questions; i++) {
                idle[i] = ask(recall, 1)[0];
                try (Memorizer memorizer = new Memorizer(memories, store, gate, (c, d) -> {}, 1)) {
                    long t0 = System.nanoTime();
                    memorizer.start(new dev.memorag.health.Health().part("memorizer"));
                    long before = store.memoryCursor("ingesting")
                            .map(MemoryCursor::windows)
                            .orElse(0);
                    while (store.memoryCursor("ingesting")
                                    .map(MemoryCursor::windows)
                                    .orElse(0)
                            == before) {
                        Thread.sleep(5); // the memorizer is between windows: the next one starts right away
                    }
                    busy[i] = ask(recall, 1)[0];
                    busyNanos += System.nanoTime() - t0;
                }
            }
            long windows =
                    store.memoryCursor("ingesting").map(MemoryCursor::windows).orElse(0);
            LOG.report(
                    "idle:  p50 %.0f ms, p99 %.0f ms (%d questions, 3 clue turns of up to 128 tokens each)",
                    percentile(idle, 50), percentile(idle, 99), questions);
            LOG.report(
                    "busy:  p50 %.0f ms, p99 %.0f ms while the memorizer extends a %d-token corpus (%d windows in "
                            + "%.1f s of busy phases); busy/idle p50 %.2fx, p99 %.2fx",
                    percentile(busy, 50),
                    percentile(busy, 99),
                    busyTokens,
                    windows,
                    busyNanos / 1e9,
                    percentile(busy, 50) / percentile(idle, 50),
                    percentile(busy, 99) / percentile(idle, 99));
        }
    }

    /**
     * Memorization under a steady question load: two threads ask without pause while the memorizer extends a fresh
     * corpus for -Dmemorag.bench.seconds (default 30); tokens memorized and questions answered, for a gate that
     * always yields to questions (the worker before the scheduler) and for the default patience, alternating
     * (-Dmemorag.bench.rounds, default 1).
     */
    @Test
    void memorizationUnderSteadyQuestions() throws Exception {
        assumeTrue(Boolean.getBoolean("memorag.bench"), "benchmark: run with -Dmemorag.bench=true");
        long seconds = Long.getLong("memorag.bench.seconds", 30);
        int rounds = Integer.getInteger("memorag.bench.rounds", 1);
        Path checkpoint = TinyCheckpointWriter.write(
                dir.resolve("model"),
                new TinyCheckpointWriter.Spec("qwen2", 4, 256, 4, 2, 704, 512, 4, TensorDType.F32, 1, false, 5));
        LOG.report(
                "memorization under steady questions (4 layers, hidden 256, window 512, r 4; 2 asking threads, "
                        + "%d s per arm), load average at start: %s",
                seconds, BenchLog.loadAverage());
        try (RocksCorpusStore store = new RocksCorpusStore(dir.resolve("store"));
                MemoryModel model = MemoryModel.load(checkpoint, ComputeDevice.cpu(), null);
                CorpusMemories memories = new CorpusMemories(model, store, Long.MAX_VALUE);
                RetrievalIndex index = indexOf(store)) {
            ingest(store, model, "asked", 8192, 300, new Random(2));
            try (Memorizer warmup = new Memorizer(memories, store, new QuestionGate(), (c, d) -> {}, 16)) {
                while (warmup.step("asked")) {
                    // the asked corpus is fully memorized before any timing
                }
            }
            Map<String, Duration> arms = new LinkedHashMap<>();
            arms.put("always yield (before)", Duration.ofDays(1));
            arms.put(
                    "patience " + QuestionGate.DEFAULT_PATIENCE.toSeconds() + " s (after)",
                    QuestionGate.DEFAULT_PATIENCE);
            for (int round = 0; round < rounds; round++) {
                for (Duration patience : arms.values()) {
                    ingest(store, model, corpus(round, patience), 32768, 300, new Random(round));
                }
            }
            for (int round = 0; round < rounds; round++) {
                for (Map.Entry<String, Duration> arm : arms.entrySet()) {
                    String corpus = corpus(round, arm.getValue());
                    QuestionGate gate = new QuestionGate(arm.getValue());
                    RecallService recall = new RecallService(
                            store,
                            index,
                            Embedder.shared(),
                            new ClueGenerator(memories),
                            new ExtractiveGenerator(Embedder.shared(), 3),
                            gate);
                    ask(recall, 1); // JIT
                    AtomicBoolean asking = new AtomicBoolean(true);
                    AtomicInteger answered = new AtomicInteger();
                    List<Thread> askers = new ArrayList<>();
                    for (int t = 0; t < 2; t++) {
                        Thread asker = new Thread(() -> {
                            while (asking.get()) {
                                ask(recall, 1);
                                answered.incrementAndGet();
                            }
                        });
                        asker.start();
                        askers.add(asker);
                    }
                    try (Memorizer memorizer = new Memorizer(memories, store, gate, (c, d) -> {}, 1)) {
                        memorizer.start(new dev.memorag.health.Health().part("memorizer"));
                        Thread.sleep(Duration.ofSeconds(seconds).toMillis());
                        asking.set(false);
                    }
                    for (Thread asker : askers) {
                        asker.join();
                    }
                    long tokens =
                            store.memoryCursor(corpus).map(MemoryCursor::tokens).orElse(0L);
                    LOG.report(
                            "round %d, %-24s: %6d tokens memorized (%.0f/s), %3d questions answered (%.2f/s)",
                            round,
                            arm.getKey(),
                            tokens,
                            tokens / (double) seconds,
                            answered.get(),
                            answered.get() / (double) seconds);
                }
            }
        }
    }

    private static String corpus(int round, Duration patience) {
        return "ingesting-" + round + "-" + patience.toSeconds();
    }

    /** Stores passages of about {@code words} words until the corpus stream reaches {@code tokens} model tokens. */
    private static int ingest(
            RocksCorpusStore store, MemoryModel model, String corpus, int tokens, int words, Random random) {
        List<String> texts = new ArrayList<>();
        int total = model.streamStart().length;
        while (total < tokens) {
            StringBuilder text = new StringBuilder();
            for (int w = 0; w < words; w++) {
                text.append(WORDS.get(random.nextInt(WORDS.size()))).append(w % 15 == 14 ? ". " : " ");
            }
            texts.add(text.toString().strip());
            total += model.passage(texts.get(texts.size() - 1)).length;
        }
        List<Chunk> chunks = new ArrayList<>();
        for (int from = 0; from < texts.size(); from += 8) {
            // a few at a time, as the chunk job embeds a document's passages: one call over hundreds of passages
            // makes ONNX Runtime hold gigabytes of activations at once
            List<String> batch = texts.subList(from, Math.min(texts.size(), from + 8));
            float[][] vectors = Embedder.shared().embed(batch);
            for (int i = 0; i < batch.size(); i++) {
                chunks.add(Chunk.upsert(corpus, "doc-" + (from + i), 1, 0, 1, batch.get(i), words, vectors[i]));
            }
        }
        long offset = store.nextOffset(P0).orElse(0) + chunks.size();
        store.apply(new AppliedBatch(chunks, Map.of(P0, offset)));
        return total;
    }

    private static double[] ask(RecallService recall, int n) {
        double[] millis = new double[n];
        for (int i = 0; i < n; i++) {
            List<AnswerEvent> events = new ArrayList<>();
            long t0 = System.nanoTime();
            recall.answer(
                    new Question(
                            1,
                            "q" + i,
                            "asked",
                            "What did the ghost say about the future of the family?",
                            null,
                            3,
                            null,
                            null,
                            null,
                            null),
                    events::add);
            millis[i] = (System.nanoTime() - t0) / 1e6;
            if (events.get(events.size() - 1).type() != AnswerEvent.Type.DONE) {
                throw new AssertionError("question failed: " + events.get(events.size() - 1));
            }
        }
        return millis;
    }

    private static double percentile(double[] values, int p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    /** The worker's retrieval index over {@code store}: heap only, it goes with the store. */
    private static RetrievalIndex indexOf(RocksCorpusStore store) {
        return RetrievalIndex.attach(store, RetrievalSettings.defaults());
    }
}
