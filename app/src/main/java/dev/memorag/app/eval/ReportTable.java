package dev.memorag.app.eval;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * The Markdown summary: one row per task and mode with F1, EM, answer recall and answer holds gold in percent (as score.py prints
 * them), mean evidence tokens and mean latency; modes that could not run are listed under it with the reason.
 */
public final class ReportTable {
    private ReportTable() {}

    public static String render(List<ExampleResult> results, Map<String, String> skippedModes) {
        StringBuilder out = new StringBuilder();
        out.append(
                "| task | mode | n | F1 | EM | answer recall | answer holds gold | evidence tokens | latency ms |\n");
        out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
        Map<String, Map<String, List<ExampleResult>>> byTask = results.stream()
                .collect(Collectors.groupingBy(
                        ExampleResult::task,
                        TreeMap::new,
                        Collectors.groupingBy(ExampleResult::mode, TreeMap::new, Collectors.toList())));
        byTask.forEach((task, byMode) -> byMode.forEach((mode, rows) -> out.append(row(task, mode, rows))));
        List<String> skipped = new ArrayList<>(skippedModes.keySet());
        skipped.sort(Comparator.naturalOrder());
        for (String mode : skipped) {
            out.append("\nMode `")
                    .append(mode)
                    .append("` skipped: ")
                    .append(skippedModes.get(mode))
                    .append('\n');
        }
        return out.toString();
    }

    private static String row(String task, String mode, List<ExampleResult> rows) {
        return String.format(
                Locale.ROOT,
                "| %s | %s | %d | %.1f | %.1f | %.1f | %.1f | %.0f | %.0f |\n",
                task,
                mode,
                rows.size(),
                percent(rows, ExampleResult::f1),
                percent(rows, ExampleResult::em),
                percent(rows, ExampleResult::recall),
                percent(rows, ExampleResult::holds),
                mean(rows, r -> r.evidenceTokens()),
                mean(rows, r -> r.latencyMs()));
    }

    private static double percent(List<ExampleResult> rows, ToDoubleFunction<ExampleResult> f) {
        return 100 * mean(rows, f);
    }

    private static double mean(List<ExampleResult> rows, ToDoubleFunction<ExampleResult> f) {
        return rows.stream().mapToDouble(f).average().orElse(0);
    }
}
