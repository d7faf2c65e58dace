package dev.memorag.app.eval;

import dev.memorag.app.EmbeddedStack;
import dev.memorag.app.StackConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code memorag eval <file.jsonl…>}: ingests each distinct context through a fresh embedded stack, asks every
 * question in each mode, scores the answers as score.py does, and prints and writes the table. Re-running with the
 * same {@code --out} only scores the pairs missing from its results file.
 */
@Command(
        name = "eval",
        mixinStandardHelpOptions = true,
        description = "Score retrieval modes (bm25, dense; memorag when a memory checkpoint is "
                + "configured) on LongBench-format questions, end to end through the embedded stack.")
public final class EvalCommand implements Callable<Integer> {
    @Parameters(
            arity = "1..*",
            paramLabel = "FILE",
            description = "LongBench-format JSONL files (id, task, context, question, answers)")
    List<Path> files;

    @Option(names = "--limit", paramLabel = "N", description = "score only the first N examples (after --tasks)")
    int limit;

    @Option(names = "--tasks", split = ",", paramLabel = "TASK", description = "only these tasks, comma-separated")
    Set<String> tasks = new LinkedHashSet<>();

    @Option(
            names = "--out",
            paramLabel = "DIR",
            description = "results folder: results.jsonl (per example) and report.md (default " + "eval-results/)")
    Path out = Path.of("eval-results");

    @Option(
            names = "--ingest-timeout",
            paramLabel = "DURATION",
            description = "how long one context may take into memory (ISO-8601, " + "default PT30M)")
    Duration ingestTimeout = Duration.ofMinutes(30);

    @Override
    public Integer call() throws Exception {
        List<EvalExample> examples = EvalReader.read(files, tasks, limit);
        ResultsLog log = new ResultsLog(out.resolve("results.jsonl"));
        int pending = EvalRunner.pending(examples, log.scoredKeys());
        System.out.printf(
                "%d examples, %d (mode, example) pairs to score, results in %s%n",
                examples.size(), pending, log.file());
        if (pending > 0) {
            // a throwaway stack on free ports: it never disturbs a running `memorag up` or its data
            Path dataDir = Files.createTempDirectory("memorag-eval");
            try (EmbeddedStack stack =
                    EmbeddedStack.start(StackConfig.fromEnvironment().isolatedIn(dataDir))) {
                new EvalRunner(stack, log, System.out, ingestTimeout).run(examples);
            } finally {
                deleteTree(dataDir);
            }
        }
        String table = ReportTable.render(log.load(), EvalRunner.SKIPPED_MODES);
        Path report = out.resolve("report.md");
        Files.writeString(report, table);
        System.out.println();
        System.out.print(table);
        System.out.println("\nwritten to " + report + " and " + log.file());
        return 0;
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
