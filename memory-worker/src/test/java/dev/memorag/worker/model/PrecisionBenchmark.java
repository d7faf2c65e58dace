package dev.memorag.worker.model;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.memorag.worker.bench.BenchLog;
import dev.memorag.worker.bench.MemoryBandwidth;
import dev.memorag.worker.model.ComputeDevice.Precision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The "small" config in FP32 and in BF16, side by side in one JVM, each rate next to the machine's speed measured
 * between its rounds (the machine is shared, and its bandwidth moved 3x within one run): weight bytes resident
 * (malloc'd native bytes the load adds); memorization of -Dmemorag.bench.memory tokens (default 32768) window by window,
 * each window against the bare matmul of the same precision and shape measured right before and after it (median of
 * the windows' fractions); decode at a memory of -Dmemorag.bench.decodeAt tokens (default 32768; random rows restored,
 * since decode cost does not depend on their values) in -Dmemorag.bench.rounds rounds (default 5) of 16 tokens, each
 * after a STREAM triad probe, against the bound that probe gives (bytes one decode step must read: weights of the
 * raw-token path, a quarter of the beacon projections, the LM head, and the memory's rotated keys and values), median
 * of the rounds; one window at each memory of -Dmemorag.bench.windowAt (default 131072; empty for none) against the
 * bare matmul around it; the bare decode matmuls of one token (the weight-reading floor); restore time and bytes per
 * memory token against theory. Both precisions load the same BF16 checkpoint (target/bench-model-small-bf16). Skipped
 * unless -Dmemorag.bench=true; results also in target/benchmark-precision.txt.
 */
class PrecisionBenchmark {
    private static final BenchLog LOG = new BenchLog(Path.of("target/benchmark-precision.txt"));
    static final TinyCheckpointWriter.Spec SMALL = BenchLog.SMALL.withDtype(TensorDType.BF16);
    private static final int DECODE_TOKENS = 16;

    @Test
    void fp32VsBf16() throws IOException {
        assumeTrue(Boolean.getBoolean("memorag.bench"), "benchmark: run with -Dmemorag.bench=true");
        int window = SMALL.window();
        int memoryTokens = Integer.getInteger("memorag.bench.memory", 32768) / window * window;
        int decodeAt = Integer.getInteger("memorag.bench.decodeAt", 32768) / window * window;
        int rounds = Integer.getInteger("memorag.bench.rounds", 5);
        int[] windowAt = Arrays.stream(
                        System.getProperty("memorag.bench.windowAt", "131072").split(","))
                .map(String::trim)
                .filter(a -> !a.isEmpty())
                .mapToInt(a -> Integer.parseInt(a) / window * window)
                .toArray();
        Path dir = checkpoint();
        MemoryBandwidth.Result bw = MemoryBandwidth.measure();
        LOG.report(
                "precision: memorize %d tokens, decode at %d (%d rounds of %d tokens), one window at %s; torch threads %s; bandwidth "
                        + "copy %.1f GB/s, triad %.1f GB/s; load average %s",
                memoryTokens,
                decodeAt,
                rounds,
                DECODE_TOKENS,
                Arrays.toString(windowAt),
                System.getProperty("ai.djl.pytorch.num_threads"),
                bw.copyGBs(),
                bw.triadGBs(),
                BenchLog.loadAverage());
        int[] stream = TinyModels.tokens(5, memoryTokens);
        for (Precision precision : Precision.values()) {
            long nativeBefore = NativeHeap.settledInUseBytes();
            long t0 = System.nanoTime();
            try (BeaconModel model = BeaconModel.load(dir, ComputeDevice.cpu(precision), null)) {
                double loadS = BenchLog.seconds(t0);
                ModelConfig c = model.config();
                LOG.report(
                        "%s: load %.1f s, weights resident %.0f MiB (%d parameters)",
                        precision.wire(),
                        loadS,
                        (NativeHeap.settledInUseBytes() - nativeBefore) / 1048576.0,
                        c.parameterCount());
                try (BeaconMemory warm = BeaconMemory.empty(model)) {
                    warm.extend(Arrays.copyOf(stream, window));
                }
                memorize(precision, model, stream);
                decode(precision, model, decodeAt, rounds);
                for (int at : windowAt) windowAtMemory(precision, model, at);
            }
        }
        MemoryBandwidth.Result end = MemoryBandwidth.measure();
        LOG.report(
                "precision end: bandwidth copy %.1f GB/s, triad %.1f GB/s; load average %s",
                end.copyGBs(), end.triadGBs(), BenchLog.loadAverage());
    }

    /** Memorizes {@code stream} window by window, each window against the bare matmul probed right before and after it. */
    private static void memorize(Precision precision, BeaconModel model, int[] stream) {
        int window = SMALL.window();
        int windows = stream.length / window;
        double[] fractions = new double[windows];
        double[] rates = new double[windows];
        double[] bare = new double[windows + 1];
        double seconds = 0;
        bare[0] = bareMatmul(precision);
        try (BeaconMemory memory = BeaconMemory.empty(model)) {
            for (int w = 0; w < windows; w++) {
                int[] tokens = Arrays.copyOfRange(stream, w * window, (w + 1) * window);
                double s = BenchLog.timed(() -> memory.extend(tokens));
                bare[w + 1] = bareMatmul(precision);
                seconds += s;
                rates[w] = window / s;
                fractions[w] = BeaconBenchmark.flops(w, w + 1) / s / 1e9 / ((bare[w] + bare[w + 1]) / 2);
            }
        }
        LOG.report(
                "%s: memorize %d tokens (0-%dK) in %.1f s: %.0f tokens/s overall, windows median %.0f tokens/s; median %.2f of the bare %s "
                        + "matmul (windows %.2f-%.2f; bare %.1f-%.1f GFLOP/s, median %.1f); load average %s",
                precision.wire(),
                stream.length,
                stream.length / 1024,
                seconds,
                stream.length / seconds,
                BenchLog.median(rates),
                BenchLog.median(fractions),
                precision.wire(),
                Arrays.stream(fractions).min().orElseThrow(),
                Arrays.stream(fractions).max().orElseThrow(),
                Arrays.stream(bare).min().orElseThrow(),
                Arrays.stream(bare).max().orElseThrow(),
                BenchLog.median(bare),
                BenchLog.loadAverage());
    }

    /** Restores a random memory of {@code decodeAt} tokens and decodes in rounds, each after a bandwidth probe. */
    private static void decode(Precision precision, BeaconModel model, int decodeAt, int rounds) {
        ModelConfig c = model.config();
        MemoryState state = BeaconBenchmark.randomMemory(decodeAt / SMALL.window(), c.kvDim())
                .withPrecision(precision);
        long stored = state.windows().stream().mapToLong(w -> w.length).sum();
        double theory = 2.0
                * c.numLayers()
                * c.kvDim()
                * precision.rowBytes()
                / c.beacon().ratio();
        long r0 = System.nanoTime();
        try (BeaconMemory memory = BeaconMemory.restore(model, state)) {
            LOG.report(
                    "%s: restore %d windows %.2f s; %.0f bytes per memory token on disk (theory %.0f = 2 x %d layers x %d kv dim x %d "
                            + "bytes / ratio %d); held on the device in %.0f bytes per memory token (K, rotated K, V; blocks' capacity)",
                    precision.wire(),
                    state.windows().size(),
                    BenchLog.seconds(r0),
                    (double) stored / state.tokenCount(),
                    theory,
                    c.numLayers(),
                    c.kvDim(),
                    precision.rowBytes(),
                    c.beacon().ratio(),
                    (double) memory.deviceBytes() / state.tokenCount());
            double bytes = decodeBytes(c, precision, memory.memoryRows());
            double[] rates = new double[rounds];
            double[] triads = new double[rounds];
            double[] fractions = new double[rounds];
            try (RecallSession session = new RecallSession(memory)) {
                session.feed(TinyModels.tokens(6, 16));
                session.generate(TinyModels.tokens(7, 1), GenerationOptions.greedy(4, Set.of()), t -> true); // warm-up
                for (int r = 0; r < rounds; r++) {
                    triads[r] = MemoryBandwidth.measure(2).triadGBs();
                    double s = BenchLog.timed(() -> session.generate(
                            TinyModels.tokens(7, 1), GenerationOptions.greedy(DECODE_TOKENS, Set.of()), t -> true));
                    rates[r] = DECODE_TOKENS / s;
                    fractions[r] = rates[r] / (triads[r] * 1e9 / bytes);
                }
            }
            double floor = bareDecodeMatmuls(model);
            double rate = BenchLog.median(rates);
            LOG.report(
                    "%s: decode at a %d-token memory, median of %d rounds: %.2f tokens/s (%.1f ms/token; rounds %.2f-%.2f); reads %.0f MiB/token; "
                            + "triad probes %.1f-%.1f GB/s (median %.1f, bound %.1f tokens/s); median %.2f of the bound (rounds %.2f-%.2f); the bare "
                            + "decode matmuls of one token take %.1f ms (%.0f%% of a step); load average %s",
                    precision.wire(),
                    decodeAt,
                    rounds,
                    rate,
                    1e3 / rate,
                    Arrays.stream(rates).min().orElseThrow(),
                    Arrays.stream(rates).max().orElseThrow(),
                    bytes / 1048576,
                    Arrays.stream(triads).min().orElseThrow(),
                    Arrays.stream(triads).max().orElseThrow(),
                    BenchLog.median(triads),
                    BenchLog.median(triads) * 1e9 / bytes,
                    BenchLog.median(fractions),
                    Arrays.stream(fractions).min().orElseThrow(),
                    Arrays.stream(fractions).max().orElseThrow(),
                    floor * 1e3,
                    100 * floor * rate,
                    BenchLog.loadAverage());
        }
    }

    /** One window memorized after a random memory of {@code memoryTokens}, against the bare matmul before and after it. */
    private static void windowAtMemory(Precision precision, BeaconModel model, int memoryTokens) {
        int past = memoryTokens / SMALL.window();
        MemoryState state =
                BeaconBenchmark.randomMemory(past, model.config().kvDim()).withPrecision(precision);
        int[] tokens = TinyModels.tokens(8, SMALL.window());
        try (BeaconMemory memory = BeaconMemory.restore(model, state)) {
            double before = bareMatmul(precision);
            double s = BenchLog.timed(() -> memory.extend(tokens));
            double after = bareMatmul(precision);
            double gflops = BeaconBenchmark.flops(past, past + 1) / s / 1e9;
            LOG.report(
                    "%s: one window at a %d-token memory %.1f s, %.0f tokens/s, %.1f GFLOP/s = %.2f of the bare %s matmul (%.1f, %.1f GFLOP/s); "
                            + "load average %s",
                    precision.wire(),
                    memoryTokens,
                    s,
                    SMALL.window() / s,
                    gflops,
                    gflops / ((before + after) / 2),
                    precision.wire(),
                    before,
                    after,
                    BenchLog.loadAverage());
        }
    }

    /** The small config written in BF16 (both precisions load it, so they hold the same weights), written once per build dir. */
    static Path checkpoint() throws IOException {
        Path dir = Path.of("target/bench-model-small-bf16");
        if (!Files.exists(dir.resolve("config.json"))) TinyCheckpointWriter.write(dir, SMALL);
        return dir;
    }

    /** Bytes one decode step reads: weights on the raw-token path, beacon projections every ratio-th step, LM head, memory K/V. */
    private static double decodeBytes(ModelConfig c, Precision precision, long memoryRows) {
        double h = c.hiddenSize(), q = (double) c.numHeads() * c.headDim(), kv = c.kvDim();
        double projections = h * (q + 2 * kv);
        double layer = projections * (1 + 1.0 / c.beacon().ratio()) + q * h + 3 * h * c.intermediateSize();
        // Weights and memory rows are both held in the precision's element size (BF16 as FP16 on CPU).
        return (c.numLayers() * layer + (double) c.vocabSize() * h + c.numLayers() * memoryRows * kv * 2)
                * precision.rowBytes();
    }

    /** GFLOP/s of the bare MLP-shape matmul [2560 x 1024] x [1024 x 2816] as the model multiplies it in this precision. */
    private static double bareMatmul(Precision precision) {
        int s = SMALL.window() + SMALL.window() / SMALL.ratio();
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(new Shape(s, SMALL.hidden()));
            NDArray w = m.randomNormal(new Shape(SMALL.intermediate(), SMALL.hidden()));
            NDArray wT = (precision == Precision.BF16 ? w.toType(DataType.FLOAT16, false) : w).transpose();
            int reps = 3;
            double seconds = 0;
            for (int i = -1; i < reps; i++) {
                long t0 = System.nanoTime();
                try (NDScope scope = new NDScope()) {
                    new Weights.Linear(wT, null).apply(x, false);
                }
                if (i >= 0) seconds += BenchLog.seconds(t0);
            }
            return 2.0 * s * SMALL.hidden() * SMALL.intermediate() * reps / seconds / 1e9;
        }
    }

    /** Seconds of the weight matmuls of one decode token (every layer's raw-token projections and MLP, and the LM head), bare. */
    private static double bareDecodeMatmuls(BeaconModel model) {
        Weights w = model.weights();
        ModelConfig c = model.config();
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(new Shape(1, c.hiddenSize()));
            NDArray xq = m.randomNormal(new Shape(1, (long) c.numHeads() * c.headDim()));
            NDArray xi = m.randomNormal(new Shape(1, c.intermediateSize()));
            int reps = 5;
            long t0 = 0;
            for (int i = -1; i < reps; i++) {
                if (i == 0) t0 = System.nanoTime();
                try (NDScope scope = new NDScope()) {
                    for (Weights.Layer l : w.layers) {
                        for (Weights.Linear p : new Weights.Linear[] {l.qkv(), l.gateUp()}) p.apply(x, true);
                        l.o().apply(xq, true);
                        l.down().apply(xi, true);
                    }
                    w.lmHead.apply(x, true);
                }
            }
            return BenchLog.seconds(t0) / reps;
        }
    }
}
