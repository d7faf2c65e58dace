package dev.memorag.worker.model;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.memorag.worker.bench.BenchLog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What 2-byte weights cost through DJL on this CPU, side by side with FP32: first whether a BF16 tensor can exist at
 * all (each probe in its own JVM, because a failure aborts the process), then the decode shape (one row times a
 * weight), the memorize shape (a window's 2560 slots times a weight), native FP16 matmuls, and the up-cast of a
 * 2-byte weight to FP32 per call, whole or in column blocks. Skipped unless -Dmemorag.bench=true; results also in
 * target/benchmark-bf16-ops.txt.
 */
class Bf16OpsBenchmark {
    private static final BenchLog LOG = new BenchLog(Path.of("target/benchmark-bf16-ops.txt"));
    private static final int HIDDEN = 1024, INTER = 2816, SLOTS = 2560;

    @Test
    void opsBf16VsFp32() throws Exception {
        assumeTrue(Boolean.getBoolean("memorag.bench"), "benchmark: run with -Dmemorag.bench=true");
        LOG.report(
                "bf16 ops: torch threads %s, load average %s",
                System.getProperty("ai.djl.pytorch.num_threads"), BenchLog.loadAverage());
        for (String probe : Bf16Probe.PROBES)
            LOG.report("BF16 probe '%s' in a child JVM: %s", probe, Bf16Probe.runChild(probe));
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w32 = m.randomNormal(new Shape(INTER, HIDDEN));
            NDArray w16 = w32.toType(DataType.FLOAT16, false);
            NDArray w32T = w32.transpose();
            NDArray w16T = w16.transpose();
            NDArray x1 = m.randomNormal(new Shape(1, HIDDEN));
            NDArray xs = m.randomNormal(new Shape(SLOTS, HIDDEN));
            NDArray x1h = x1.toType(DataType.FLOAT16, false);

            double bytes32 = 4.0 * HIDDEN * INTER;
            double dec32 = perCall(300, () -> x1.matMul(w32T));
            double dec16 = perCall(20, () -> x1h.matMul(w16T));
            double decUp = perCall(300, () -> x1.matMul(w16T.toType(DataType.FLOAT32, false)));
            double decBlocks = perCall(300, () -> blocked(x1, w16, 256));
            LOG.report(
                    "decode [1,%d]x[%d,%d]: fp32 %.3f ms (%.1f GB/s of weights); fp16 native %.3f ms; fp16 stored, up-cast "
                            + "per call %.3f ms; up-cast in 256-row blocks %.3f ms: best 2-byte / fp32 time %.2f",
                    HIDDEN,
                    HIDDEN,
                    INTER,
                    dec32 * 1e3,
                    bytes32 / dec32 / 1e9,
                    dec16 * 1e3,
                    decUp * 1e3,
                    decBlocks * 1e3,
                    Math.min(decUp, decBlocks) / dec32);

            double flops = 2.0 * SLOTS * HIDDEN * INTER;
            double mem32 = perCall(5, () -> xs.matMul(w32T));
            double memUp = perCall(5, () -> xs.matMul(w16T.toType(DataType.FLOAT32, false)));
            double mem32b = perCall(5, () -> xs.matMul(w32T));
            double mem16 = perCall(1, () -> xs.toType(DataType.FLOAT16, false).matMul(w16T));
            LOG.report(
                    "memorize [%d,%d]x[%d,%d]: fp32 %.1f GFLOP/s, fp16 stored + up-cast per call %.1f GFLOP/s (%.2f of fp32), "
                            + "fp16 native %.2f GFLOP/s",
                    SLOTS,
                    HIDDEN,
                    HIDDEN,
                    INTER,
                    flops / ((mem32 + mem32b) / 2) / 1e9,
                    flops / memUp / 1e9,
                    (mem32 + mem32b) / 2 / memUp,
                    flops / mem16 / 1e9);

            double up = perCall(50, () -> w16.toType(DataType.FLOAT32, false));
            LOG.report(
                    "fp16 -> fp32 of a [%d,%d] weight: %.2f ms (%.1f G elements/s)",
                    INTER, HIDDEN, up * 1e3, HIDDEN * (double) INTER / up / 1e9);
        }
    }

    /** x times the transposed [out, in] weight, up-casting {@code rows} output rows at a time. */
    private static NDArray blocked(NDArray x, NDArray w, int rows) {
        List<NDArray> parts = new ArrayList<>();
        long out = w.getShape().get(0);
        for (long from = 0; from < out; from += rows) {
            NDArray block = w.get(from + ":" + Math.min(out, from + rows)).toType(DataType.FLOAT32, false);
            parts.add(x.matMul(block.transpose()));
        }
        return ai.djl.ndarray.NDArrays.concat(new ai.djl.ndarray.NDList(parts), -1);
    }

    /** Mean seconds per call after two warm-up calls; everything a call creates is closed at once. */
    private static double perCall(int n, Runnable op) {
        long t0 = 0;
        for (int i = -2; i < n; i++) {
            if (i == 0) t0 = System.nanoTime();
            try (NDScope scope = new NDScope()) {
                op.run();
            }
        }
        return BenchLog.seconds(t0) / n;
    }

    /** One BF16 operation in a JVM of its own: prints "ok" or dies with libtorch's abort. */
    static final class Bf16Probe {
        static final List<String> PROBES = List.of("toType", "createFromBytes", "zeros");

        public static void main(String[] args) {
            try (NDManager m = NDManager.newBaseManager()) {
                NDArray a = switch (args[0]) {
                    case "toType" -> m.ones(new Shape(4)).toType(DataType.BFLOAT16, false);
                    case "createFromBytes" ->
                        m.create(
                                ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder()),
                                new Shape(4),
                                DataType.BFLOAT16);
                    default -> m.zeros(new Shape(4), DataType.BFLOAT16);
                };
                System.out.println("ok: " + a.getDataType());
            }
        }

        static String runChild(String probe) throws IOException, InterruptedException {
            Process p = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-Dai.djl.offline=true",
                            "-cp",
                            System.getProperty("java.class.path"),
                            Bf16Probe.class.getName(),
                            probe)
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int rc = p.waitFor();
            String last = out.lines()
                    .filter(l -> !l.contains("WARN") && !l.contains("INFO"))
                    .reduce((a, b) -> b)
                    .orElse("");
            return "exit " + rc + ", last line '" + last + "'";
        }
    }
}
