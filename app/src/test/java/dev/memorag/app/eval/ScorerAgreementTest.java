package dev.memorag.app.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.memorag.schemas.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java metrics agree with the reference scorer: score.py (the copy of shared/data/score.py in the test
 * resources) scores predictions this test writes against a fixed gold file, and its table must show the Java
 * scores. Each gold line is its own task, so every row of the table is one example's scores.
 */
class ScorerAgreementTest {
    private static final Path GOLD = Path.of("src/test/resources/eval/scorer-gold.jsonl");
    private static final Path SCORE_PY = Path.of("src/test/resources/eval/score.py");

    /** id → (answer, retrieved): punctuation, articles, Unicode, repeated tokens, empty answers. */
    private static final Map<String, List<String>> PREDICTIONS = new LinkedHashMap<>();

    static {
        PREDICTIONS.put("s-01", List.of("The Fifteen shillings!", "Bob had fifteen shillings a week."));
        PREDICTIONS.put("s-02", List.of("old Joe the fence", "a shop kept by old Joe"));
        PREDICTIONS.put("s-03", List.of("Scrooge’s nephew Fred", "Scrooge’s nephew came in"));
        PREDICTIONS.put("s-04", List.of("a a a the", "the end"));
        PREDICTIONS.put("s-05", List.of("", "a fair young girl"));
        PREDICTIONS.put("s-06", List.of("to_be or-not", "TO BE OR NOT"));
        PREDICTIONS.put("s-07", List.of("An\u00a0apple\tpie", "an apple-pie"));
        PREDICTIONS.put("s-08", List.of("Dick Wilkins and Fezziwig", "... met DICK WILKINS, there ..."));
        PREDICTIONS.put("s-09", List.of("théâtre café", "le CAFÉ"));
        PREDICTIONS.put("s-10", List.of("Joey", "said Joey"));
        PREDICTIONS.put("s-11", List.of("the thethe athe", "nothing here"));
        PREDICTIONS.put("s-12", List.of("seven seven years", "seven long years"));
    }

    @TempDir
    Path dir;

    @Test
    void javaScoresEqualScorePyOnAFixedFile() throws Exception {
        assumeTrue(python3Available(), "python3 is not on the PATH: the cross-check against score.py cannot run");
        List<EvalExample> gold = EvalReader.read(List.of(GOLD), Set.of(), 0);
        assertEquals(PREDICTIONS.size(), gold.size());
        Path predictions = dir.resolve("predictions.jsonl");
        StringBuilder lines = new StringBuilder();
        PREDICTIONS.forEach(
                (id, p) -> lines.append(Json.writeString(Map.of("id", id, "answer", p.get(0), "retrieved", p.get(1))))
                        .append('\n'));
        Files.writeString(predictions, lines, StandardCharsets.UTF_8);

        Map<String, double[]> table = runScorePy(predictions);
        for (EvalExample example : gold) {
            List<String> p = PREDICTIONS.get(example.id());
            double[] java = {
                100 * Scorer.bestF1(p.get(0), example.answers()),
                100 * Scorer.bestExactMatch(p.get(0), example.answers()),
                100 * Scorer.answerRecall(p.get(1), example.answers())
            };
            double[] python = table.get(example.task());
            String[] names = {"F1", "EM", "recall"};
            for (int i = 0; i < 3; i++) {
                // score.py prints one decimal: agreement means the Java value rounds to what it printed
                assertEquals(python[i], java[i], 0.05 + 1e-9, example.id() + " " + names[i]);
            }
        }
    }

    /** Runs score.py and parses its table: task → {F1, EM, recall}. */
    private static Map<String, double[]> runScorePy(Path predictions) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("python3", SCORE_PY.toString(), predictions.toString(), GOLD.toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "score.py finished");
        assertEquals(0, process.exitValue(), output);
        Map<String, double[]> table = new HashMap<>();
        for (String line : output.strip().split("\n")) {
            String[] cols = line.trim().split("\\s+");
            if (cols[0].equals("task")) {
                continue;
            }
            table.put(cols[0], new double[] {
                Double.parseDouble(cols[3]), Double.parseDouble(cols[4]), Double.parseDouble(cols[5])
            });
        }
        assertEquals(PREDICTIONS.size(), table.size(), output);
        return table;
    }

    private static boolean python3Available() {
        try {
            Process p = new ProcessBuilder("python3", "--version")
                    .redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
