package dev.memorag.app.eval;

import static dev.memorag.app.eval.ResultsLogTest.result;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportTableTest {
    @Test
    void oneRowPerTaskAndModeWithMeansInPercentThenTheSkippedModes() {
        List<ExampleResult> results = List.of(
                result("q1", "tb", "dense", 0.5, 0, 1, 1, 100, 30),
                result("q2", "tb", "dense", 0.25, 1, 0, 1, 200, 50),
                result("q1", "tb", "bm25", 1.0 / 3, 0, 1, 0, 90, 7),
                result("q9", "ta", "dense", 0, 0, 0, 0, 10, 5));
        String table = ReportTable.render(results, Map.of("memorag", "no checkpoint."));
        assertEquals("""
                | task | mode | n | F1 | EM | answer recall | answer holds gold | evidence tokens | latency ms |
                |---|---|---:|---:|---:|---:|---:|---:|---:|
                | ta | dense | 1 | 0.0 | 0.0 | 0.0 | 0.0 | 10 | 5 |
                | tb | bm25 | 1 | 33.3 | 0.0 | 100.0 | 0.0 | 90 | 7 |
                | tb | dense | 2 | 37.5 | 50.0 | 50.0 | 100.0 | 150 | 40 |

                Mode `memorag` skipped: no checkpoint.
                """, table);
    }
}
