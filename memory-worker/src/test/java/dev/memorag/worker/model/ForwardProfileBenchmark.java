package dev.memorag.worker.model;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.memorag.worker.bench.BenchLog;
import dev.memorag.worker.model.ComputeDevice.Precision;
import dev.memorag.worker.model.ForwardProfile.Stage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Where a forward's time goes, per op category ({@link ForwardProfile}), for the small config in FP32 and BF16 side by
 * side in one JVM: decode steps at a -Dmemorag.bench.decodeAt-token memory (default 32768; -Dmemorag.bench.decode
 * tokens, default 32) and one window's memorization at each -Dmemorag.bench.windowAt-token memory (default 0,32768; empty for
 * none).
 * Each table row is ms per decode token (or per window) and its share of the step; "outside forward" is the rest of a
 * generate step (window K/V append, sampling, scopes). Skipped unless -Dmemorag.bench=true; lines also in
 * target/benchmark-profile.txt.
 */
class ForwardProfileBenchmark {
    private static final BenchLog LOG = new BenchLog(Path.of("target/benchmark-profile.txt"));

    @Test
    void decodeAndWindow() throws IOException {
        assumeTrue(Boolean.getBoolean("memorag.bench"), "benchmark: run with -Dmemorag.bench=true");
        int window = PrecisionBenchmark.SMALL.window();
        int decodeAt = Integer.getInteger("memorag.bench.decodeAt", 32768) / window * window;
        int decodeTokens = Integer.getInteger("memorag.bench.decode", 32);
        Path dir = PrecisionBenchmark.checkpoint();
        LOG.report(
                "profile: decode %d tokens at a %d-token memory, torch threads %s; load average %s",
                decodeTokens, decodeAt, System.getProperty("ai.djl.pytorch.num_threads"), BenchLog.loadAverage());
        Map<Precision, Map<Stage, Double>> decode = new EnumMap<>(Precision.class);
        Map<Precision, double[]> steps = new EnumMap<>(Precision.class);
        Map<String, Map<Precision, Map<Stage, Double>>> windows = new java.util.TreeMap<>();
        Map<String, Map<Precision, double[]>> windowTotals = new java.util.TreeMap<>();
        for (Precision precision : Precision.values()) {
            try (BeaconModel model = BeaconModel.load(dir, ComputeDevice.cpu(precision), null)) {
                ForwardProfile profile = new ForwardProfile();
                model.profile(profile);
                int[] windowTokens = TinyModels.tokens(8, window);
                try (BeaconMemory warm = BeaconMemory.empty(model)) {
                    warm.extend(windowTokens);
                }
                MemoryState state = BeaconBenchmark.randomMemory(
                                decodeAt / window, model.config().kvDim())
                        .withPrecision(precision);
                try (BeaconMemory memory = BeaconMemory.restore(model, state);
                        RecallSession session = new RecallSession(memory)) {
                    session.feed(TinyModels.tokens(6, 16));
                    session.generate(
                            TinyModels.tokens(7, 1), GenerationOptions.greedy(4, Set.of()), t -> true); // warm-up
                    profile.reset();
                    double seconds = BenchLog.timed(() -> session.generate(
                            TinyModels.tokens(7, 1), GenerationOptions.greedy(decodeTokens, Set.of()), t -> true));
                    decode.put(precision, profile.seconds());
                    steps.put(precision, new double[] {seconds, profile.forwardSeconds(), profile.forwards()});
                }
                for (String at :
                        System.getProperty("memorag.bench.windowAt", "0,32768").split(",")) {
                    if (at.isBlank()) continue;
                    int memoryTokens = Integer.parseInt(at.trim()) / window * window;
                    MemoryState past = BeaconBenchmark.randomMemory(
                                    memoryTokens / window, model.config().kvDim())
                            .withPrecision(precision);
                    try (BeaconMemory memory = BeaconMemory.restore(model, past)) {
                        profile.reset();
                        double seconds = BenchLog.timed(() -> memory.extend(windowTokens));
                        windows.computeIfAbsent(at.trim(), k -> new EnumMap<>(Precision.class))
                                .put(precision, profile.seconds());
                        windowTotals
                                .computeIfAbsent(at.trim(), k -> new EnumMap<>(Precision.class))
                                .put(precision, new double[] {seconds, profile.forwardSeconds(), profile.forwards()});
                    }
                }
                model.profile(null);
            }
        }
        report("decode at a " + decodeAt + "-token memory, ms per token", decode, steps, decodeTokens);
        windows.forEach((at, byPrecision) -> report(
                "one window (" + window + " tokens) at a " + at + "-token memory, ms per window",
                byPrecision,
                windowTotals.get(at),
                1));
        LOG.report("profile end: load average %s", BenchLog.loadAverage());
    }

    /** One markdown table: a row per stage, ms per unit and share of the whole for each precision. */
    private static void report(
            String title, Map<Precision, Map<Stage, Double>> stages, Map<Precision, double[]> totals, int units) {
        StringBuilder t = new StringBuilder(title).append('\n').append("| stage |");
        for (Precision p : stages.keySet()) t.append(' ').append(p.wire()).append(" ms | share |");
        t.append("\n|---|").append("---|---|".repeat(stages.size())).append('\n');
        for (Stage s : Stage.values()) {
            t.append("| ").append(s.label()).append(" |");
            for (Precision p : stages.keySet()) cell(t, stages.get(p).get(s), totals.get(p)[0], units);
            t.append('\n');
        }
        t.append("| forward, no stage (reshapes, residual adds, Java) |");
        for (Precision p : stages.keySet()) {
            double staged = stages.get(p).values().stream()
                    .mapToDouble(Double::doubleValue)
                    .sum();
            cell(t, totals.get(p)[1] - staged, totals.get(p)[0], units);
        }
        t.append("\n| outside forward (window K/V append, sampling, scopes) |");
        for (Precision p : stages.keySet()) cell(t, totals.get(p)[0] - totals.get(p)[1], totals.get(p)[0], units);
        t.append("\n| **whole step** |");
        for (Precision p : stages.keySet()) cell(t, totals.get(p)[0], totals.get(p)[0], units);
        LOG.report("%s", t);
    }

    private static void cell(StringBuilder t, double seconds, double whole, int units) {
        t.append(String.format(" %.2f | %.1f %% |", seconds * 1e3 / units, 100 * seconds / whole));
    }
}
