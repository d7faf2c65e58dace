package dev.memorag.app;

import static dev.memorag.app.ChildProcesses.freePort;
import static dev.memorag.app.ChildProcesses.tail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memorag.embedding.Embedder;
import dev.memorag.kafka.EmbeddedKafkaBroker;
import dev.memorag.kafka.TopicCreator;
import dev.memorag.schemas.Chunk;
import dev.memorag.schemas.Json;
import dev.memorag.schemas.TopicCatalog;
import dev.memorag.worker.llm.LlmStandIn;
import dev.memorag.worker.store.Gist;
import dev.memorag.worker.store.GistCursor;
import dev.memorag.worker.store.RocksCorpusStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A memory worker with the gist memory in its own JVM, against a scripted OpenAI-compatible stand-in that records
 * every call. Each worker life gets a slice of the corpus and is killed with SIGKILL while the stand-in holds one of
 * its gist calls; the next life repeats that call and no other, so every group is summarized once plus at most one
 * repeat per kill.
 */
class GistWorkerCrashTest {
    private static final String CORPUS = "ledger";
    private static final int DOCS = 16;
    private static final int CHUNKS_PER_DOC = 3;
    private static final int PASSAGE_TOKENS = 60;
    /** Four passages a group: 48 passages, 12 groups. */
    private static final int GROUP_TOKENS = 240;

    private static final int GROUPS = DOCS * CHUNKS_PER_DOC * PASSAGE_TOKENS / GROUP_TOKENS;
    private static final int LIVES = 4;
    private static final TopicCatalog TOPICS = new TopicCatalog(TopicCatalog.DEFAULT_PREFIX, 1);

    private final List<Process> processes = new ArrayList<>();

    @TempDir
    Path dir;

    private String bootstrap;
    /** The stand-in holds (never answers in time) the gist call with this index; -1: none. */
    private volatile int holdAt = -1;

    @AfterEach
    void stopAll() {
        processes.forEach(Process::destroyForcibly);
    }

    @Test
    void gistCallsHappenOncePerGroupAcrossKillsOfTheWorker() throws Exception {
        LlmStandIn.Script memoRag = LlmStandIn.memoRag(80);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("broker"), freePort());
                LlmStandIn llm = new LlmStandIn((call, index) -> index == holdAt
                        ? memoRag.reply(call, index).after(Duration.ofMinutes(2))
                        : memoRag.reply(call, index))) {
            bootstrap = broker.bootstrapServers();
            TopicCreator.ensure(bootstrap, TOPICS.all());
            List<ProducerRecord<String, byte[]>> records = chunkRecords();
            int sliceSize = records.size() / LIVES;
            int kills = 0;
            for (int life = 0; life < LIVES; life++) {
                boolean last = life == LIVES - 1;
                // the third gist call of each life but the last is in flight when the worker dies
                holdAt = last ? -1 : llm.calls().size() + 2;
                Path log = dir.resolve("worker-" + life + ".log");
                Process worker = startWorker(llm, log);
                int end = last ? records.size() : (life + 1) * sliceSize;
                ChildProcesses.produce(bootstrap, records.subList(life * sliceSize, end));
                if (!last) {
                    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
                    while (llm.calls().size() <= holdAt) {
                        assertTrue(
                                worker.isAlive() && System.nanoTime() < deadline, () -> "no held call: " + tail(log));
                        Thread.sleep(20);
                    }
                    worker.destroyForcibly().waitFor(); // SIGKILL mid-call: no shutdown hook, no flush
                    kills++;
                    holdAt = -1;
                } else {
                    awaitAllGrouped(worker, log);
                    worker.destroy();
                    worker.waitFor();
                }
            }

            Map<String, Long> callsPerPrompt = llm.gistCalls().stream()
                    .collect(Collectors.groupingBy(LlmStandIn.Call::prompt, Collectors.counting()));
            assertEquals(GROUPS, callsPerPrompt.size(), "one distinct gist prompt per group");
            long repeats =
                    callsPerPrompt.values().stream().mapToLong(n -> n - 1).sum();
            assertTrue(repeats <= kills, repeats + " repeated calls for " + kills + " kills");
            assertEquals(kills, repeats, "each held call was repeated once by the next life");
            try (RocksCorpusStore store = RocksCorpusStore.openReadOnly(dir.resolve("data/worker"))) {
                List<Gist> groups = store.groupGists(CORPUS);
                assertEquals(GROUPS, groups.size());
                for (int g = 0; g < GROUPS; g++) {
                    assertEquals(4L * g, groups.get(g).firstSeq(), "groups at passage boundaries, every 4");
                    String opening = text(g * 4 / CHUNKS_PER_DOC, g * 4 % CHUNKS_PER_DOC);
                    String prompt = callsPerPrompt.keySet().stream()
                            .filter(c -> c.contains("Text: " + opening))
                            .findFirst()
                            .orElseThrow();
                    assertEquals(LlmStandIn.gist(prompt, 80), groups.get(g).text(), "the answer to its own call");
                }
            }
        }
    }

    private void awaitAllGrouped(Process worker, Path log) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (true) {
            if (Files.exists(dir.resolve("data/worker/CURRENT"))) {
                try (RocksCorpusStore store = RocksCorpusStore.openReadOnly(dir.resolve("data/worker"))) {
                    if (store.gistCursor(CORPUS).map(GistCursor::lastSeq).orElse(-1L) == DOCS * CHUNKS_PER_DOC - 1) {
                        return;
                    }
                } catch (RuntimeException e) {
                    // the worker is rotating its log files: look again
                }
            }
            assertTrue(
                    worker.isAlive() && System.nanoTime() < deadline,
                    () -> "the gist memory did not complete: " + tail(log));
            Thread.sleep(200);
        }
    }

    private static String text(int doc, int index) {
        return "Ledger " + doc + " line " + index + ": the clerk of the counting house entered coal, candles and "
                + "gruel, and Scrooge checked every shilling of it twice by the fire.";
    }

    private static List<ProducerRecord<String, byte[]>> chunkRecords() {
        List<ProducerRecord<String, byte[]>> out = new ArrayList<>();
        float[] vector = new float[Embedder.DIMENSIONS];
        vector[0] = 1;
        for (int d = 0; d < DOCS; d++) {
            for (int i = 0; i < CHUNKS_PER_DOC; i++) {
                Chunk chunk =
                        Chunk.upsert(CORPUS, "doc-" + d, 1, i, CHUNKS_PER_DOC, text(d, i), PASSAGE_TOKENS, vector);
                out.add(new ProducerRecord<>(TOPICS.chunks(), CORPUS, Json.write(chunk)));
            }
        }
        return out;
    }

    /** Starts a worker-only {@code memorag up --memory gist} against the stand-in; waits until it is up. */
    private Process startWorker(LlmStandIn llm, Path log) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx512m",
                        "@" + Path.of("..", "bin", "jvm.options").toAbsolutePath(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        "dev.memorag.app.cli.MemoragCli",
                        "up",
                        "--parts",
                        "worker",
                        "--bootstrap-servers",
                        bootstrap,
                        "--data-dir",
                        dir.resolve("data").toString(),
                        "--memory",
                        "gist")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> env = builder.environment();
        env.put("MEMORAG_PARTITIONS", Integer.toString(TOPICS.partitions()));
        env.put("MEMORAG_HEALTH_PORT", "0");
        env.put("MEMORAG_OPENAI_URL", llm.base().toString());
        env.put("MEMORAG_MEMORY_MODEL", "gist-model");
        env.put("MEMORAG_GIST_TOKENS", Integer.toString(GROUP_TOKENS));
        Process process = builder.start();
        processes.add(process);
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (!Files.exists(log) || !Files.readString(log).contains("MemoRAG is up")) {
            assertTrue(process.isAlive() && System.nanoTime() < deadline, () -> "no worker: " + tail(log));
            Thread.sleep(100);
        }
        return process;
    }
}
