package dev.memorag.worker.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.memorag.worker.bench.BenchLog;
import dev.memorag.worker.bench.ResidentSet;
import dev.memorag.worker.model.ComputeDevice.Precision;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The "small" config (8 layers, hidden 1024, 163M parameters) loaded as BF16 takes about half the resident memory of
 * FP32, measured on a process of its own per precision: the kernel's VmRSS after the engine has started against
 * VmRSS with the model loaded.
 */
class ResidentWeightsTest {
    @TempDir
    Path tmp;

    @Test
    void bf16WeightsTakeAboutHalfTheResidentMemoryOfFp32() throws Exception {
        Path dir = TinyModels.write(tmp.resolve("small"), BenchLog.SMALL.withDtype(TensorDType.BF16));
        long fp32 = residentGrowth(dir, Precision.FP32);
        long bf16 = residentGrowth(dir, Precision.BF16);
        long params = Checkpoint.open(dir).config().parameterCount();
        double ratio = (double) bf16 / fp32;
        System.out.printf(
                "resident growth on load: fp32 %d MiB, bf16 %d MiB (%.2f); weights %d MiB in FP32%n",
                fp32 >> 20, bf16 >> 20, ratio, params * 4 >> 20);
        assertTrue(
                fp32 > params * 4 * 9 / 10, "an FP32 load grows the process by its weights: " + (fp32 >> 20) + " MiB");
        assertTrue(ratio > 0.4 && ratio < 0.6, "BF16 should take about half of FP32, took " + ratio);
    }

    /** Bytes the process grows by when it loads the model, measured in a fresh JVM. */
    private static long residentGrowth(Path dir, Precision precision) throws Exception {
        Process p = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx256m",
                        "-XX:MaxDirectMemorySize=4g",
                        "-Dai.djl.offline=true",
                        "-Dai.djl.pytorch.num_threads=1",
                        "-cp",
                        System.getProperty("java.class.path"),
                        Probe.class.getName(),
                        dir.toString(),
                        precision.name())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        String line =
                out.lines().filter(l -> l.startsWith("GROWTH ")).findFirst().orElseThrow(() -> new AssertionError(out));
        return Long.parseLong(line.substring("GROWTH ".length()));
    }

    /** Loads a model and prints how much the process grew. */
    static final class Probe {
        public static void main(String[] args) throws Exception {
            try (NDManager warm = NDManager.newBaseManager()) {
                warm.ones(new ai.djl.ndarray.types.Shape(4))
                        .add(1)
                        .toFloatArray(); // the engine and its libraries first
            }
            settle();
            long before = ResidentSet.bytes();
            try (BeaconModel model =
                    BeaconModel.load(Path.of(args[0]), ComputeDevice.cpu(Precision.valueOf(args[1])), null)) {
                settle();
                System.out.println("GROWTH " + (ResidentSet.bytes() - before));
            }
        }

        /** Frees the direct buffers loading read through, so only the model's own memory remains. */
        private static void settle() throws InterruptedException {
            System.gc();
            Thread.sleep(200);
            System.gc();
        }
    }
}
