package dev.memorag.worker.bench;

import dev.memorag.worker.model.TensorDType;
import dev.memorag.worker.model.TinyCheckpointWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * What the worker's benchmarks share: result lines printed and appended to a file at once (so a long run that is cut
 * short keeps its lines), the load average next to them, wall-clock timing, and the "small" checkpoint they run on.
 */
public final class BenchLog {
    /** The "small" config: 8 layers, hidden 1024, 16 q / 4 kv heads, intermediate 2816, window 2048, r 4, random F32. */
    public static final TinyCheckpointWriter.Spec SMALL =
            new TinyCheckpointWriter.Spec("qwen2", 8, 1024, 16, 4, 2816, 2048, 4, TensorDType.F32, 4, false, 1);

    private final Path file;

    public BenchLog(Path file) {
        this.file = file;
    }

    public void report(String format, Object... args) {
        String line = "BENCH " + String.format(format, args);
        System.out.println(line);
        try {
            Files.writeString(
                    file, line + System.lineSeparator(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static double timed(Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        return seconds(t0);
    }

    /** The median of {@code values} (the mean of the middle two for an even count). */
    public static double median(double... values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    public static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    /** The small checkpoint in target/bench-model-small, written once and reused by later runs. */
    public static Path smallCheckpoint() throws IOException {
        Path dir = Path.of("target/bench-model-small");
        if (!Files.exists(dir.resolve("config.json"))) {
            TinyCheckpointWriter.write(dir, SMALL);
        }
        return dir;
    }
}
