package dev.memorag.worker.gist;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.memorag.schemas.Chunk;
import dev.memorag.schemas.Question;
import dev.memorag.worker.bench.BenchLog;
import dev.memorag.worker.llm.LlmStandIn;
import dev.memorag.worker.llm.OpenAiClient;
import dev.memorag.worker.llm.RetryPolicy;
import dev.memorag.worker.memory.MemoryProblems;
import dev.memorag.worker.recall.ClueGenerator;
import dev.memorag.worker.store.AppliedBatch;
import dev.memorag.worker.store.RocksCorpusStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the gist memory costs in endpoint calls and prompt tokens, read from the stand-in's log, skipped unless
 * -Dmemorag.bench=true: a full build of a corpus of documents of 12 passages x 512 tokens, an incremental add of an
 * 8K-token document, a delete of one document, all normalized per 100K corpus tokens; then a corpus of
 * -Dmemorag.bench.gist.large tokens (default 1M) whose gists outgrow the context budget, to show what folding costs;
 * and the clue calls of one question. Gists are 1200 characters (~300 tokens), prompt tokens are characters / 4.
 */
class GistBenchmark {
    private static final String CORPUS = "bench";
    private static final int PASSAGE_TOKENS = 512;
    private static final int DOC_PASSAGES = 12;
    private static final GistSettings SETTINGS = GistSettings.defaults();
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

    @TempDir
    Path dir;

    private final BenchLog log = new BenchLog(Path.of("target/benchmark-gist.txt"));
    private final Random random = new Random(5);
    private long offset;

    @Test
    void callsAndPromptTokensPerHundredKTokens() throws Exception {
        assumeTrue(Boolean.getBoolean("memorag.bench"), "benchmark: run with -Dmemorag.bench=true");
        log.report(
                "gist memory cost, group %d tokens, budget %d tokens; load %s",
                SETTINGS.groupTokens(), SETTINGS.contextTokens(), BenchLog.loadAverage());
        try (LlmStandIn llm = new LlmStandIn(LlmStandIn.memoRag(1200));
                RocksCorpusStore store = new RocksCorpusStore(dir.resolve("store"))) {
            GistMemorizer memorizer = memorizer(store, llm);
            int docs = 17;
            for (int d = 0; d < docs; d++) {
                put(store, "doc-" + d, 1, DOC_PASSAGES);
            }
            long corpusTokens = (long) docs * DOC_PASSAGES * PASSAGE_TOKENS;
            Cost full = measure(llm, () -> drain(memorizer));
            report("full build", corpusTokens, corpusTokens, full);

            Cost add = measure(llm, () -> {
                put(store, "added", 1, 16);
                drain(memorizer);
            });
            report("incremental add of one 8K document", 16L * PASSAGE_TOKENS, corpusTokens, add);

            Cost delete = measure(llm, () -> {
                delete(store, "doc-8", 2);
                drain(memorizer);
            });
            report("delete of one document (6K tokens)", (long) DOC_PASSAGES * PASSAGE_TOKENS, corpusTokens, delete);

            ClueGenerator clues = new ClueGenerator(new GistClues(store, client(llm), SETTINGS));
            Cost question = measure(llm, () -> clues.clues(Question.of("q", CORPUS, "Who counted the coal?")));
            log.report(
                    "one question: %d clue calls, %d prompt tokens, of which %d the shared memory turn each",
                    question.calls,
                    question.promptTokens,
                    llm.calls()
                                    .get(llm.calls().size() - 1)
                                    .messages()
                                    .get(0)
                                    .content()
                                    .length()
                            / 4);
        }
        long large = Long.getLong("memorag.bench.gist.large", 1_000_000);
        try (LlmStandIn llm = new LlmStandIn(LlmStandIn.memoRag(1200));
                RocksCorpusStore store = new RocksCorpusStore(dir.resolve("large"))) {
            GistMemorizer memorizer = memorizer(store, llm);
            int docs = (int) (large / (DOC_PASSAGES * PASSAGE_TOKENS));
            for (int d = 0; d < docs; d++) {
                put(store, "doc-" + d, 1, DOC_PASSAGES);
            }
            long corpusTokens = (long) docs * DOC_PASSAGES * PASSAGE_TOKENS;
            Cost full = measure(llm, () -> drain(memorizer));
            long folds = llm.gistCalls().stream()
                    .filter(c -> c.prompt().contains("Text: gist "))
                    .count();
            report("full build, large corpus", corpusTokens, corpusTokens, full);
            log.report(
                    "  of which folds: %d calls; memory %d tokens in %d entries (budget %d)",
                    folds,
                    GistMemory.entries(store, CORPUS).stream()
                            .mapToInt(e -> GistMemory.tokens(e.text()))
                            .sum(),
                    GistMemory.entries(store, CORPUS).size(),
                    SETTINGS.contextTokens());
            Cost delete = measure(llm, () -> {
                delete(store, "doc-1", 2);
                drain(memorizer);
            });
            report(
                    "delete of one document under a fold, large corpus",
                    (long) DOC_PASSAGES * PASSAGE_TOKENS,
                    corpusTokens,
                    delete);
        }
    }

    private record Cost(int calls, long promptTokens, double seconds) {}

    private interface Work {
        void run() throws Exception;
    }

    private static Cost measure(LlmStandIn llm, Work work) throws Exception {
        int calls = llm.calls().size();
        long tokens =
                llm.calls().stream().mapToLong(LlmStandIn.Call::promptTokens).sum();
        long t0 = System.nanoTime();
        work.run();
        List<LlmStandIn.Call> after = llm.calls();
        return new Cost(
                after.size() - calls,
                after.stream().mapToLong(LlmStandIn.Call::promptTokens).sum() - tokens,
                BenchLog.seconds(t0));
    }

    private void report(String what, long changedTokens, long corpusTokens, Cost cost) {
        double per100k = 100_000.0 / corpusTokens;
        log.report(
                "%s: %d corpus tokens changed of %d; %d calls, %d prompt tokens; per 100K corpus tokens: %.1f "
                        + "calls, %.0f prompt tokens (%.1f s against the stand-in)",
                what,
                changedTokens,
                corpusTokens,
                cost.calls,
                cost.promptTokens,
                cost.calls * per100k,
                cost.promptTokens * per100k,
                cost.seconds);
    }

    private static OpenAiClient client(LlmStandIn llm) {
        return new OpenAiClient(llm.base(), "bench", null, RetryPolicy.DEFAULT);
    }

    private static GistMemorizer memorizer(RocksCorpusStore store, LlmStandIn llm) {
        return new GistMemorizer(
                store, client(llm), SETTINGS, new MemoryProblems(), corpus -> {}, Duration.ofMinutes(1));
    }

    private static void drain(GistMemorizer memorizer) throws InterruptedException {
        while (memorizer.step(CORPUS)) {
            // next step
        }
    }

    private void put(RocksCorpusStore store, String doc, long version, int passages) {
        List<Chunk> chunks = new ArrayList<>();
        for (int i = 0; i < passages; i++) {
            StringBuilder text = new StringBuilder();
            while (text.length() < PASSAGE_TOKENS * 4) {
                text.append(WORDS.get(random.nextInt(WORDS.size()))).append(' ');
            }
            chunks.add(Chunk.upsert(
                    CORPUS, doc, version, i, passages, text.toString().strip(), PASSAGE_TOKENS, new float[] {1f}));
        }
        store.apply(new AppliedBatch(chunks, Map.of(new TopicPartition("memorag.chunks", 0), ++offset)));
    }

    private void delete(RocksCorpusStore store, String doc, long version) {
        store.apply(new AppliedBatch(
                List.of(Chunk.delete(CORPUS, doc, version)),
                Map.of(new TopicPartition("memorag.chunks", 0), ++offset)));
    }
}
