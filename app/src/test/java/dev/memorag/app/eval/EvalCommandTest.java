package dev.memorag.app.eval;

import static dev.memorag.app.eval.ResultsLogTest.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memorag.app.cli.MemoragCli;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code memorag eval} when every selected pair is already scored: it starts no stack, adds no row, and still
 * writes the table of everything in the results file.
 */
class EvalCommandTest {
    @TempDir
    Path out;

    @Test
    void aRunWithNothingLeftToScoreReportsAllEarlierResults() throws Exception {
        ResultsLog log = new ResultsLog(out.resolve("results.jsonl"));
        log.append(result("o-01", "oatcakes", "bm25", 0.5, 0, 1, 0, 40, 12));
        log.append(result("o-01", "oatcakes", "dense", 0.25, 0, 1, 0, 40, 80));
        log.append(result("o-01", "oatcakes", "hybrid", 0.25, 0, 1, 1, 40, 90));
        log.append(result("older-run", "other-task", "dense", 1, 1, 1, 1, 10, 20));
        String before = Files.readString(log.file());

        long start = System.nanoTime();
        int exit = MemoragCli.commandLine()
                .execute(
                        "eval",
                        EvalReaderTest.SAMPLE.toString(),
                        "--tasks",
                        "oatcakes,missing-task",
                        "--out",
                        out.toString());
        assertEquals(0, exit);
        assertTrue(System.nanoTime() - start < 20_000_000_000L, "no stack was started");
        assertEquals(before, Files.readString(log.file()), "no row added");

        String report = Files.readString(out.resolve("report.md"));
        assertTrue(report.contains("| oatcakes | bm25 | 1 | 50.0 | 0.0 | 100.0 | 0.0 | 40 | 12 |"), report);
        assertTrue(report.contains("| oatcakes | dense | 1 | 25.0 | 0.0 | 100.0 | 0.0 | 40 | 80 |"), report);
        assertTrue(report.contains("| oatcakes | hybrid | 1 | 25.0 | 0.0 | 100.0 | 100.0 | 40 | 90 |"), report);
        assertTrue(report.contains("| other-task | dense | 1 | 100.0 |"), "rows of earlier runs stay: " + report);
        assertTrue(report.contains("`memorag` skipped"), report);
    }

    @Test
    void limitCountsExamplesAfterTheTaskFilter() throws Exception {
        ResultsLog log = new ResultsLog(out.resolve("results.jsonl"));
        log.append(result("h-01", "harbour", "bm25", 0, 0, 1, 0, 40, 12));
        log.append(result("h-01", "harbour", "dense", 0, 0, 1, 0, 40, 80));
        log.append(result("h-01", "harbour", "hybrid", 0, 0, 1, 0, 40, 85));
        long start = System.nanoTime();
        int exit = MemoragCli.commandLine()
                .execute(
                        "eval",
                        EvalReaderTest.SAMPLE.toString(),
                        "--tasks",
                        "harbour",
                        "--limit",
                        "1",
                        "--out",
                        out.toString());
        assertEquals(0, exit);
        assertTrue(
                System.nanoTime() - start < 20_000_000_000L,
                "h-01 is the only example selected and it is scored: no stack was started");
        assertTrue(Files.readString(out.resolve("report.md")).contains("| harbour | bm25 | 1 |"));
    }
}
