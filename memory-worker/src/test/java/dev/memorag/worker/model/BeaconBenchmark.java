package dev.memorag.worker.model;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.memorag.worker.bench.BenchLog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * CPU benchmark of the "small" config (8 layers, hidden 1024, 16 q / 4 kv heads, intermediate 2816,
 * window 2048, r 4, random F32 weights). Skipped unless -Dmemorag.bench=true. Sizes:
 * -Dmemorag.bench.memory (tokens memorized first, default 8192), -Dmemorag.bench.append (tokens then
 * appended, default 2048), -Dmemorag.bench.decodeAt (memory size at which decoding is measured,
 * default 32768, capped at the memory size). Re-memorizing from scratch is reported as memorize +
 * append time (the same windows) and then measured as a separate run unless
 * -Dmemorag.bench.scratch=false. Results go to stdout and target/benchmark-small.txt and are recorded in
 * docs/benchmarks.md. libtorch threads come from -Dmemorag.torch.threads (memory-worker pom, default 1).
 *
 * <p>On a shared machine the available speed drifts, so the bare-matmul baseline is measured right
 * before and after every phase and each phase is compared with the mean of its neighbours.
 */
class BeaconBenchmark {
    private static final BenchLog LOG = new BenchLog(Path.of("target/benchmark-small.txt"));
    private static final TinyCheckpointWriter.Spec SMALL = BenchLog.SMALL;
    private static final int LAYERS = SMALL.layers(),
            HIDDEN = SMALL.hidden(),
            HEADS = SMALL.heads(),
            KV_HEADS = SMALL.kvHeads(),
            INTER = SMALL.intermediate(),
            WINDOW = SMALL.window(),
            RATIO = SMALL.ratio();

    @Test
    void smallConfig() throws IOException {
        assumeTrue(Boolean.getBoolean("memorag.bench"), "benchmark: run with -Dmemorag.bench=true");
        int memoryTokens = Integer.getInteger("memorag.bench.memory", 8192);
        int appendTokens = Integer.getInteger("memorag.bench.append", 2048);
        int decodeAt = Math.min(memoryTokens, Integer.getInteger("memorag.bench.decodeAt", 32768)) / WINDOW * WINDOW;
        boolean scratchRun = Boolean.parseBoolean(System.getProperty("memorag.bench.scratch", "true"));
        Path dir = BenchLog.smallCheckpoint();
        int[] stream = TinyModels.tokens(5, memoryTokens + appendTokens);
        LOG.report(
                "start: memory %d + append %d tokens, decode at %d, from-scratch %s, torch threads %s; load average %s",
                memoryTokens,
                appendTokens,
                decodeAt,
                scratchRun ? "measured" : "not run",
                System.getProperty("ai.djl.pytorch.num_threads"),
                BenchLog.loadAverage());
        try (BeaconModel model = BeaconModel.load(dir, ComputeDevice.cpu(), null)) {
            try (BeaconMemory warm = BeaconMemory.empty(model)) {
                warm.extend(Arrays.copyOf(stream, WINDOW)); // first-call JIT / allocator warm-up
            }
            BeaconMemory memory = BeaconMemory.empty(model);
            // Memorize up to decodeAt, measure decoding there, then memorize the rest.
            double base0 = baseline("before memorize");
            double part1S = memorize(memory, stream, 0, decodeAt);
            double base1 = baseline("after memorize part 1");
            phase("memorize part 1 (%d tokens)", decodeAt, part1S, flops(0, decodeAt / WINDOW), base0, base1);

            double base2;
            try (RecallSession session = new RecallSession(memory)) {
                session.feed(TinyModels.tokens(6, 16));
                int n = 32;
                double decodeS = BenchLog.timed(() ->
                        session.generate(TinyModels.tokens(7, 1), GenerationOptions.greedy(n, Set.of()), t -> true));
                base2 = baseline("after decode");
                LOG.report(
                        "decode with a %d-token memory (%d beacon rows/layer): %d tokens in %.2f s, %.2f tokens/s (baseline %.1f GFLOP/s)",
                        decodeAt, memory.memoryRows(), n, decodeS, n / decodeS, (base1 + base2) / 2);
            }

            double memorizeS = part1S;
            double beforeAppend = base2;
            if (memoryTokens > decodeAt) {
                double base3 = baseline("before memorize part 2");
                double part2S = memorize(memory, stream, decodeAt, memoryTokens);
                beforeAppend = baseline("after memorize part 2");
                phase(
                        "memorize part 2 (%d tokens)",
                        memoryTokens - decodeAt,
                        part2S,
                        flops(decodeAt / WINDOW, memoryTokens / WINDOW),
                        base3,
                        beforeAppend);
                memorizeS += part2S;
                phase(
                        "memorize total (%d tokens)",
                        memoryTokens, memorizeS, flops(0, memoryTokens / WINDOW), base0, base1, base3, beforeAppend);
            }

            int memWindows = memoryTokens / WINDOW;
            int allWindows = stream.length / WINDOW;
            double appendS =
                    BenchLog.timed(() -> memory.extend(Arrays.copyOfRange(stream, memoryTokens, stream.length)));
            double base5 = baseline("after append");
            phase(
                    "append %d to a " + memoryTokens + "-token memory",
                    appendTokens,
                    appendS,
                    flops(memWindows, allWindows),
                    beforeAppend,
                    base5);
            memory.close();

            // The memory does not depend on how the stream is split (IncrementalMemoryTest), so a from-scratch
            // run executes exactly the windows of memorize + append. That sum is reported first; the separate
            // from-scratch run, the real measurement, comes last because a long run may not get that far.
            double ideal = flops(0, allWindows) / flops(memWindows, allWindows);
            compare(
                    appendTokens,
                    memoryTokens,
                    stream.length,
                    appendS,
                    memorizeS + appendS,
                    "NOT a separate run: memorize + append time",
                    ideal);
            if (scratchRun) {
                double scratchS = BenchLog.timed(() -> {
                    try (BeaconMemory scratch = BeaconMemory.empty(model)) {
                        scratch.extend(stream);
                    }
                });
                double base6 = baseline("after from-scratch");
                phase("re-memorize %d from scratch", stream.length, scratchS, flops(0, allWindows), base5, base6);
                compare(
                        appendTokens,
                        memoryTokens,
                        stream.length,
                        appendS,
                        scratchS,
                        "measured as a separate run",
                        ideal);
            }
        }
        LOG.report("end: load average %s (2-core machine shared with other work)", BenchLog.loadAverage());
    }

    /**
     * One window forward on top of memories of -Dmemorag.bench.at tokens (comma-separated, default
     * 0,32768,65536,131072), against bare DJL matmuls of exactly the shapes that forward multiplies:
     * the projections and MLP of 2560 slots, and per query chunk the QK^T and PV batched matmuls over
     * the keys it takes. The memory rows are random (a forward's cost does not depend on their values),
     * so long memories are measured without memorizing them first. -Dmemorag.bench.scoreElements sets the query chunk
     * of the bare attention matmuls (default BeaconModel.SCORE_ELEMENTS; the model on CPU attends with the fused
     * kernel, which holds no scores, so the bound only reaches its math mode).
     */
    @Test
    void windowAtMemory() throws IOException {
        assumeTrue(Boolean.getBoolean("memorag.bench"), "benchmark: run with -Dmemorag.bench=true");
        Path dir = BenchLog.smallCheckpoint();
        long scoreElements = Long.getLong("memorag.bench.scoreElements", BeaconModel.SCORE_ELEMENTS);
        LOG.report(
                "window at memory size: torch threads %s, score chunk bound %d elements; load average %s",
                System.getProperty("ai.djl.pytorch.num_threads"), scoreElements, BenchLog.loadAverage());
        try (BeaconModel model = BeaconModel.load(dir, ComputeDevice.cpu(), null)) {
            model.setScoreElements(scoreElements);
            int[] window = TinyModels.tokens(8, WINDOW);
            try (BeaconMemory warm = BeaconMemory.empty(model)) {
                warm.extend(window);
            }
            for (String at : System.getProperty("memorag.bench.at", "0,32768,65536,131072")
                    .split(",")) {
                int memoryTokens = Integer.parseInt(at.trim()) / WINDOW * WINDOW;
                try (BeaconMemory memory = BeaconMemory.restore(
                        model,
                        randomMemory(memoryTokens / WINDOW, model.config().kvDim()))) {
                    double forwardS = BenchLog.timed(() -> memory.extend(window));
                    int past = memoryTokens / RATIO;
                    double[] bare = bareWindow(past, scoreElements);
                    LOG.report(
                            "window over a %d-token memory (%d beacon rows/layer): forward %.1f s, %.1f GFLOP/s; bare matmuls of the same"
                                    + " shapes %.1f s, %.1f GFLOP/s (attention %.0f%% of the FLOPs); forward = %.2f of bare; load average %s",
                            memoryTokens,
                            past,
                            forwardS,
                            bare[1] / forwardS / 1e9,
                            bare[0],
                            bare[1] / bare[0] / 1e9,
                            100 * bare[2] / bare[1],
                            bare[0] / forwardS,
                            BenchLog.loadAverage());
                }
            }
        }
    }

    /** A memory of random FP32 rows (a forward's cost does not depend on their values). */
    static MemoryState randomMemory(int windows, int kvDim) {
        Random r = new Random(9);
        List<byte[]> rows = new ArrayList<>();
        for (int w = 0; w < windows; w++) {
            ByteBuffer b = ByteBuffer.allocate(
                            MemoryState.windowBytes(WINDOW, RATIO, LAYERS, kvDim, ComputeDevice.Precision.FP32))
                    .order(ByteOrder.LITTLE_ENDIAN);
            while (b.hasRemaining()) b.putFloat((float) r.nextGaussian());
            rows.add(b.array());
        }
        return new MemoryState(WINDOW, RATIO, LAYERS, kvDim, ComputeDevice.Precision.FP32, rows, new int[0], 0);
    }

    /**
     * Seconds and FLOPs of the matmuls one window forward over {@code past} memory rows performs, run bare:
     * {seconds, flops, attention flops}, with the model's query chunks for the given score bound.
     */
    private static double[] bareWindow(int past, long scoreElements) {
        int s = slots(), raw = WINDOW, beacons = s - WINDOW, hd = HIDDEN / HEADS, group = HEADS / KV_HEADS;
        int total = past + s;
        int chunk = (int) Math.max(1, Math.min(s, scoreElements / ((long) HEADS * total)));
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray hRaw = m.randomNormal(new Shape(raw, HIDDEN));
            NDArray hBeacon = m.randomNormal(new Shape(beacons, HIDDEN));
            NDArray h = m.randomNormal(new Shape(s, HIDDEN));
            NDArray wq = m.randomNormal(new Shape(HIDDEN, HIDDEN)).transpose();
            NDArray wkv = m.randomNormal(new Shape(KV_HEADS * hd, HIDDEN)).transpose();
            NDArray wUp = m.randomNormal(new Shape(INTER, HIDDEN)).transpose();
            NDArray wDown = m.randomNormal(new Shape(HIDDEN, INTER)).transpose();
            NDArray act = m.randomNormal(new Shape(s, INTER));
            NDArray q = m.randomNormal(new Shape(KV_HEADS, (long) group * chunk, hd));
            // [rows, kvHeads, hd] K/V as the strided views the model multiplies
            NDArray kt = m.randomNormal(new Shape(total, KV_HEADS, hd)).transpose(1, 2, 0);
            NDArray v = m.randomNormal(new Shape(total, KV_HEADS, hd)).transpose(1, 0, 2);
            double flops = 0, attention = 0;
            long t0 = System.nanoTime();
            for (int l = 0; l < LAYERS; l++) {
                for (NDArray rows : new NDArray[] {hRaw, hBeacon}) {
                    rows.matMul(wq).close();
                    rows.matMul(wkv).close();
                    rows.matMul(wkv).close();
                }
                h.matMul(wq).close(); // o
                h.matMul(wUp).close(); // gate
                h.matMul(wUp).close(); // up
                act.matMul(wDown).close();
                flops += 2.0 * s * ((double) HIDDEN * HIDDEN * 2 + 2.0 * HIDDEN * KV_HEADS * hd + 3.0 * HIDDEN * INTER);
                for (int from = 0; from < s; from += chunk) {
                    int n = Math.min(chunk, s - from);
                    int keys = past + from + n;
                    try (NDArray qc = q.get(new NDIndex(":, :" + (group * n)));
                            NDArray scores = qc.matMul(kt.get(new NDIndex(":, :, :" + keys)))) {
                        scores.matMul(v.get(new NDIndex(":, :" + keys))).close();
                    }
                    double f = 2.0 * 2 * HEADS * n * (double) keys * hd;
                    flops += f;
                    attention += f;
                }
            }
            return new double[] {BenchLog.seconds(t0), flops, attention};
        }
    }

    private static void compare(
            int append, int memory, int all, double appendS, double scratchS, String how, double ideal) {
        LOG.report(
                "append %d to %d vs re-memorize %d from scratch (%s): %.1f s vs %.1f s, speedup %.2fx, ideal (FLOP ratio) %.2fx, %.0f%% of ideal",
                append,
                memory,
                all,
                how,
                appendS,
                scratchS,
                scratchS / appendS,
                ideal,
                100 * scratchS / appendS / ideal);
    }

    /** Memorizes stream[from, to) in steps of 8 windows with a progress line after each, so a long run shows its pace. */
    private static double memorize(BeaconMemory memory, int[] stream, int from, int to) {
        double total = 0;
        for (int pos = from; pos < to; ) {
            int end = Math.min(to, pos + 8 * WINDOW);
            int start = pos;
            total += BenchLog.timed(() -> memory.extend(Arrays.copyOfRange(stream, start, end)));
            LOG.report(
                    "  progress: %d tokens memorized, %.1f s in this part; load average %s",
                    end, total, BenchLog.loadAverage());
            pos = end;
        }
        return total;
    }

    private static int slots() {
        return WINDOW + WINDOW / RATIO;
    }

    /**
     * Matmul FLOPs of windows [from, to): projections (raw and beacon q/k/v share a shape) and MLP on
     * every slot, and causal attention, where slot i of a window sees the window's memory rows and
     * slots 0..i. Keys no query may see are not counted, though query chunks compute a few of them.
     */
    static double flops(int fromWindow, int toWindow) {
        double s = slots();
        int hd = HIDDEN / HEADS;
        double linearParams =
                (double) HIDDEN * (HIDDEN + 2 * KV_HEADS * hd) + (double) HEADS * hd * HIDDEN + 3.0 * HIDDEN * INTER;
        double total = 0;
        for (int w = fromWindow; w < toWindow; w++) {
            double keyRows = s * ((double) w * WINDOW / RATIO) + s * (s + 1) / 2; // summed over the window's queries
            total += LAYERS * (2 * s * linearParams + 2 * 2 * HEADS * hd * keyRows);
        }
        return total;
    }

    /** Reports a phase's rate against the mean of the baselines measured next to it. */
    private static void phase(String what, int tokens, double seconds, double flops, double... baselines) {
        double base = Arrays.stream(baselines).average().orElseThrow();
        double gflops = flops / seconds / 1e9;
        LOG.report(
                "%s: %.1f s, %.1f tokens/s, %.1f GFLOP/s = %.2f of bare matmul (mean of adjacent baselines %s = %.1f GFLOP/s)",
                String.format(what, tokens),
                seconds,
                tokens / seconds,
                gflops,
                gflops / base,
                Arrays.toString(round(baselines)),
                base);
    }

    /** Bare DJL matmul of the MLP shape [2560 x 1024] x [1024 x 2816], as the model calls it. */
    private static double baseline(String when) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(new Shape(slots(), HIDDEN));
            NDArray w = m.randomNormal(new Shape(INTER, HIDDEN)).transpose();
            x.matMul(w).close();
            int reps = 10;
            long t0 = System.nanoTime();
            for (int i = 0; i < reps; i++) x.matMul(w).close();
            double gflops = 2.0 * slots() * HIDDEN * INTER * reps / BenchLog.seconds(t0) / 1e9;
            LOG.report(
                    "baseline %s: bare DJL matmul [%d x %d] x [%d x %d] %.1f GFLOP/s; load average %s",
                    when, slots(), HIDDEN, HIDDEN, INTER, gflops, BenchLog.loadAverage());
            return gflops;
        }
    }

    private static double[] round(double[] values) {
        return Arrays.stream(values).map(v -> Math.round(v * 10) / 10.0).toArray();
    }
}
