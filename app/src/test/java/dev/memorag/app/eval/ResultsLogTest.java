package dev.memorag.app.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultsLogTest {
    @TempDir
    Path dir;

    static ExampleResult result(
            String id,
            String task,
            String mode,
            double f1,
            double em,
            double recall,
            double holds,
            int tokens,
            long latency) {
        return new ExampleResult(
                id,
                task,
                mode,
                "eval-c",
                "q " + id,
                "answer " + id,
                "passage " + id,
                f1,
                em,
                recall,
                holds,
                tokens,
                latency);
    }

    @Test
    void appendedResultsReadBackAndTheirPairsCountAsScored() throws Exception {
        ResultsLog log = new ResultsLog(dir.resolve("out/results.jsonl"));
        assertEquals(List.of(), log.load(), "no file yet: nothing scored");
        ExampleResult a = result("q1", "t", "bm25", 0.5, 0, 1, 0, 120, 15);
        ExampleResult b = result("q1", "t", "dense", 0.25, 0, 0, 0, 90, 40);
        log.append(a);
        log.append(b);
        assertEquals(List.of(a, b), log.load());
        assertEquals(Set.of(ResultsLog.key("bm25", "q1"), ResultsLog.key("dense", "q1")), log.scoredKeys());
    }

    @Test
    void aTornLastLineFromAKilledRunIsScoredAgainAndTheNextResultStartsItsOwnLine() throws Exception {
        ResultsLog log = new ResultsLog(dir.resolve("results.jsonl"));
        ExampleResult first = result("q1", "t", "bm25", 1, 1, 1, 1, 10, 1);
        log.append(first);
        Files.writeString(
                log.file(),
                "{\"id\":\"q2\",\"task\":\"t\",\"mode\":\"bm25\",\"answer\":\"x}",
                StandardOpenOption.APPEND);
        assertEquals(List.of(first), log.load());
        assertEquals(Set.of(ResultsLog.key("bm25", "q1")), log.scoredKeys(), "q2 is not scored");

        ExampleResult again = result("q2", "t", "bm25", 0, 0, 0, 0, 10, 1);
        log.append(again);
        assertEquals(List.of(first, again), log.load());
        assertEquals(2, Files.readAllLines(log.file()).size(), "the torn fragment is gone");
    }

    @Test
    void aCorruptLineInTheMiddleIsAnErrorNotSilentlyDropped() throws Exception {
        ResultsLog log = new ResultsLog(dir.resolve("results.jsonl"));
        Files.writeString(log.file(), "not json\n");
        log.append(result("q1", "t", "bm25", 1, 1, 1, 1, 10, 1));
        assertThrows(IOException.class, log::load);
    }
}
