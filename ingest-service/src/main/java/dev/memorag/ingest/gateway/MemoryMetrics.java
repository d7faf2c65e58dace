package dev.memorag.ingest.gateway;

import dev.memorag.schemas.Progress;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The workers' latest memory report per corpus in the Prometheus text format ({@code GET /metrics}): memory lag,
 * memorized tokens and windows, staleness, stored passages. Rendered from the status table on each scrape, so
 * the numbers are those of the last report a worker sent.
 */
final class MemoryMetrics {
    private record Gauge(String name, String help, ToDoubleFunction<Progress> value) {}

    private static final List<Gauge> GAUGES = List.of(
            new Gauge(
                    "memorag_memory_lag_tokens", "retriever tokens stored but not yet memorized", Progress::memoryLag),
            new Gauge("memorag_memory_tokens", "model tokens in the corpus memory", Progress::memoryTokens),
            new Gauge(
                    "memorag_memory_windows",
                    "full windows compressed into the corpus memory",
                    Progress::memoryWindows),
            new Gauge(
                    "memorag_memory_stale",
                    "1 while the memory holds deleted text and is being rebuilt",
                    p -> p.memoryStale() ? 1 : 0),
            new Gauge("memorag_corpus_chunks", "live passages stored by the worker", Progress::corpusChunks));

    private MemoryMetrics() {}

    static String render(List<Progress> reports) {
        StringBuilder out = new StringBuilder();
        for (Gauge gauge : GAUGES) {
            out.append("# HELP ")
                    .append(gauge.name())
                    .append(' ')
                    .append(gauge.help())
                    .append('\n');
            out.append("# TYPE ").append(gauge.name()).append(" gauge\n");
            for (Progress p : reports) {
                // corpus ids are [a-z0-9._-], nothing to escape in a label value
                out.append(gauge.name())
                        .append("{corpus=\"")
                        .append(p.corpus())
                        .append("\",backend=\"")
                        .append(p.memoryBackend())
                        .append("\"} ")
                        .append((long) gauge.value().applyAsDouble(p))
                        .append('\n');
            }
        }
        return out.toString();
    }
}
