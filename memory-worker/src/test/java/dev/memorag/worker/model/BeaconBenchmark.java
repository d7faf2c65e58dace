package dev.memorag.worker.model;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * CPU benchmark of the "small" config (8 layers, hidden 1024, 16 q / 4 kv heads, intermediate 2816,
 * window 2048, r 4, random F32 weights). Skipped unless -Dmemorag.bench=true; sizes via
 * -Dmemorag.bench.memory (tokens already in memory, default 8192) and -Dmemorag.bench.append
 * (default 2048). Results go to stdout and target/benchmark-small.txt and are recorded in
 * docs/benchmarks.md. libtorch threads come from -Dmemorag.torch.threads (memory-worker pom, default 1).
 */
class BeaconBenchmark {
    private static final int LAYERS = 8, HIDDEN = 1024, HEADS = 16, KV_HEADS = 4, INTER = 2816, WINDOW = 2048, RATIO = 4;

    @Test
    void smallConfig() throws IOException {
        assumeTrue(Boolean.getBoolean("memorag.bench"), "benchmark: run with -Dmemorag.bench=true");
        int memoryTokens = Integer.getInteger("memorag.bench.memory", 8192);
        int appendTokens = Integer.getInteger("memorag.bench.append", 2048);
        Path dir = Path.of("target/bench-model-small");
        if (!Files.exists(dir.resolve("config.json"))) {
            TinyCheckpointWriter.write(dir, new TinyCheckpointWriter.Spec("qwen2", LAYERS, HIDDEN, HEADS, KV_HEADS, INTER, WINDOW, RATIO,
                    TensorDType.F32, 4, false, 1));
        }
        int[] stream = TinyModels.tokens(5, memoryTokens + appendTokens);
        try (BeaconModel model = BeaconModel.load(dir, ComputeDevice.cpu(), null)) {
            report("load average at start: %s", Files.readString(Path.of("/proc/loadavg")).trim());
            double matmulGflops = bareMatmulGflops();
            report("bare DJL matmul [%d x %d] x [%d x %d]: %.1f GFLOP/s", slots(), HIDDEN, HIDDEN, INTER, matmulGflops);

            try (BeaconMemory warm = BeaconMemory.empty(model)) {
                warm.extend(java.util.Arrays.copyOf(stream, WINDOW)); // first-call JIT / allocator warm-up
            }
            long t0 = System.nanoTime();
            BeaconMemory memory = BeaconMemory.empty(model);
            memory.extend(java.util.Arrays.copyOf(stream, memoryTokens));
            double memorizeS = seconds(t0);
            double memorizeFlops = flops(0, memoryTokens / WINDOW);
            report("memorize %d tokens: %.1f s, %.0f tokens/s, %.1f GFLOP/s (%.2f of bare matmul)", memoryTokens, memorizeS,
                    memoryTokens / memorizeS, memorizeFlops / memorizeS / 1e9, memorizeFlops / memorizeS / 1e9 / matmulGflops);

            t0 = System.nanoTime();
            memory.extend(java.util.Arrays.copyOfRange(stream, memoryTokens, stream.length));
            double appendS = seconds(t0);
            t0 = System.nanoTime();
            try (BeaconMemory scratch = BeaconMemory.empty(model)) {
                scratch.extend(stream);
            }
            double rebuildS = seconds(t0);
            int memWindows = memoryTokens / WINDOW;
            int allWindows = stream.length / WINDOW;
            double idealRatio = flops(0, allWindows) / flops(memWindows, allWindows);
            report("append %d to %d-token memory: %.1f s; re-memorize %d from scratch: %.1f s; speedup %.2fx (ideal FLOP ratio %.2fx)",
                    appendTokens, memoryTokens, appendS, stream.length, rebuildS, rebuildS / appendS, idealRatio);

            try (RecallSession session = new RecallSession(memory)) {
                session.feed(TinyModels.tokens(6, 16));
                int n = 32;
                t0 = System.nanoTime();
                session.generate(TinyModels.tokens(7, 1), GenerationOptions.greedy(n, Set.of()), t -> true);
                double decodeS = seconds(t0);
                report("decode with a %d-token memory (%d beacon rows/layer): %.1f tokens/s", stream.length, memory.memoryRows(), n / decodeS);
            }
            memory.close();
        }
        report("load average at end (2-core machine shared with other work): %s", Files.readString(Path.of("/proc/loadavg")).trim());
    }

    private static int slots() {
        return WINDOW + WINDOW / RATIO;
    }

    /** Executed FLOPs of windows [from, to): projections and MLP on every slot, dense masked attention over [memory | window]. */
    static double flops(int fromWindow, int toWindow) {
        double s = slots();
        int hd = HIDDEN / HEADS;
        double linearParams = (double) HIDDEN * (HIDDEN + 2 * KV_HEADS * hd) + (double) HEADS * hd * HIDDEN + 3.0 * HIDDEN * INTER;
        double total = 0;
        for (int w = fromWindow; w < toWindow; w++) {
            double keys = (double) w * WINDOW / RATIO + s;
            total += LAYERS * (2 * s * linearParams + 2 * 2 * HEADS * hd * s * keys);
        }
        return total;
    }

    private static double bareMatmulGflops() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(new Shape(slots(), HIDDEN));
            NDArray w = m.randomNormal(new Shape(INTER, HIDDEN)).transpose();
            x.matMul(w).close();
            int reps = 10;
            long t0 = System.nanoTime();
            for (int i = 0; i < reps; i++) x.matMul(w).close();
            return 2.0 * slots() * HIDDEN * INTER * reps / seconds(t0) / 1e9;
        }
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    /** Prints and appends to target/benchmark-small.txt at once, so a long run that is cut short keeps its lines. */
    private static void report(String format, Object... args) {
        String line = "BENCH " + String.format(format, args);
        System.out.println(line);
        try {
            Files.writeString(Path.of("target/benchmark-small.txt"), line + System.lineSeparator(),
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
