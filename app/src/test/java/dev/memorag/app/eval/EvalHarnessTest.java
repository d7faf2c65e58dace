package dev.memorag.app.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memorag.app.EmbeddedStack;
import dev.memorag.app.StackConfig;
import dev.memorag.settings.SettingsCatalogue;
import dev.memorag.worker.store.StoredChunk;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The harness end to end on the committed sample, through one real embedded stack (gateway → Kafka → admission →
 * Flink chunk + bge-small embed → RocksDB worker; dense and hybrid ask over HTTP): the scores each mode gets, that
 * every mode reads the same stored passages, and that re-runs only add the pairs not yet scored.
 */
class EvalHarnessTest {
    /** Small passages, so that the sample contexts span several and top-3 retrieval has to choose. */
    private static final int CHUNK_TOKENS = 32;

    @TempDir
    Path dir;

    @Test
    void bm25DenseAndHybridScoreTheSampleThroughTheStackAndReRunsOnlyAddMissingPairs() throws Exception {
        List<EvalExample> examples = EvalReader.read(List.of(EvalReaderTest.SAMPLE), Set.of(), 0);
        StackConfig config = StackConfig.defaults()
                .isolatedIn(dir.resolve("stack"))
                .with(SettingsCatalogue.CHUNK_TOKENS, CHUNK_TOKENS);
        ResultsLog log = new ResultsLog(dir.resolve("out/results.jsonl"));
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        try (EmbeddedStack stack = EmbeddedStack.start(config);
                PrintStream out = new PrintStream(console, true, StandardCharsets.UTF_8)) {
            EvalRunner runner = new EvalRunner(stack, log, out, Duration.ofMinutes(3));

            assertEquals(6, runner.run(examples.subList(0, 2)), "two examples, three modes");
            String firstRun = Files.readString(log.file());
            assertEquals(9, runner.run(examples), "only the three examples not scored yet, in every mode");
            assertTrue(Files.readString(log.file()).startsWith(firstRun), "earlier rows are kept, not recomputed");
            String secondRun = Files.readString(log.file());
            assertEquals(0, runner.run(examples), "everything is scored: nothing to add");
            assertEquals(secondRun, Files.readString(log.file()));

            List<ExampleResult> results = log.load();
            assertEquals(15, results.size());
            Map<String, ExampleResult> byKey =
                    results.stream().collect(Collectors.toMap(r -> r.mode() + " " + r.id(), Function.identity()));
            Set<String> stored = examples.stream()
                    .map(EvalExample::corpus)
                    .distinct()
                    .flatMap(c -> stack.store().chunks(c).stream())
                    .map(StoredChunk::text)
                    .collect(Collectors.toSet());
            assertTrue(stored.size() > 3, "the harbour context spans more passages than top-3: " + stored.size());

            for (String mode : EvalRunner.MODES) {
                ExampleResult crimson = byKey.get(mode + " h-01");
                assertEquals(1.0, crimson.recall(), mode + ": 'crimson' occurs once in the context and is retrieved");
                assertTrue(crimson.answer().contains("crimson"), mode + " answer: " + crimson.answer());
                assertEquals(Scorer.bestF1(crimson.answer(), List.of("crimson")), crimson.f1());
                assertTrue(crimson.f1() > 0, "the answer holds the gold token among the extracted sentences");
                assertEquals(1.0, crimson.holds(), mode + ": the answer holds 'crimson'");
                assertEquals(1.0, byKey.get(mode + " h-02").recall(), mode + ": 'eleven' is retrieved");
                assertEquals(1.0, byKey.get(mode + " h-03").recall(), mode + ": 'Ada Marsh' is retrieved");
                assertEquals(1.0, byKey.get(mode + " o-01").recall(), mode + ": the oat cake recipe is retrieved");

                ExampleResult dog = byKey.get(mode + " h-04");
                assertEquals(
                        List.of(0.0, 0.0, 0.0, 0.0),
                        List.of(dog.recall(), dog.f1(), dog.em(), dog.holds()),
                        mode + ": the keeper's dog is never named, so nothing can be found");
                for (ExampleResult r :
                        results.stream().filter(r -> r.mode().equals(mode)).toList()) {
                    List<String> passages = List.of(r.retrieved().split("\n\n"));
                    assertTrue(passages.size() <= 3, r.id() + " top-3");
                    assertTrue(stored.containsAll(passages), mode + " reads the passages the worker stored");
                    assertTrue(r.evidenceTokens() > 0 && r.evidenceTokens() <= 3 * CHUNK_TOKENS, r.toString());
                }
            }
            assertTrue(
                    results.stream().filter(r -> !r.mode().equals("bm25")).allMatch(r -> r.latencyMs() > 0),
                    "dense and hybrid latency is a real HTTP → Kafka → worker round trip");

            assertEquals(
                    byKey.get("dense o-01").answer(),
                    byKey.get("bm25 o-01").answer(),
                    "the recipe fits in top-3 for both retrievers, and one generator makes one answer from it");

            String table = ReportTable.render(results, EvalRunner.SKIPPED_MODES);
            assertTrue(
                    table.matches("(?s).*\\| harbour \\| bm25 \\| 4 \\| [0-9.]+ \\| 0\\.0 \\| 75\\.0 \\|.*")
                            && table.matches("(?s).*\\| harbour \\| dense \\| 4 \\| [0-9.]+ \\| 0\\.0 \\| 75\\.0 \\|.*")
                            && table.contains("| oatcakes | dense | 1 |"),
                    table);
            assertTrue(table.contains("Mode `memorag` skipped: no memory checkpoint"), table);
        }
        String progress = console.toString(StandardCharsets.UTF_8);
        assertTrue(progress.contains("6/6 scored") && progress.contains("9/9 scored"), progress);
    }
}
