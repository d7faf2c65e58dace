package dev.memorag.worker.bench;

/**
 * STREAM-style bandwidth of this machine from one JVM thread (libtorch runs one thread in the benchmarks too): copy
 * (c = a) and triad (a = b + s * c) over arrays far larger than the caches, best of several runs, in bytes moved per
 * second as STREAM counts them (2 and 3 arrays per element).
 */
public final class MemoryBandwidth {
    private static final int N = 32 << 20; // 128 MiB per array

    public record Result(double copyGBs, double triadGBs) {}

    private MemoryBandwidth() {}

    public static Result measure() {
        return measure(5);
    }

    /** Best of {@code reps} runs of each kernel. */
    public static Result measure(int reps) {
        float[] a = new float[N], b = new float[N], c = new float[N];
        java.util.Arrays.fill(a, 1f);
        java.util.Arrays.fill(b, 2f);
        double copy = 0, triad = 0;
        for (int rep = 0; rep < reps; rep++) {
            long t0 = System.nanoTime();
            System.arraycopy(a, 0, c, 0, N);
            copy = Math.max(copy, 2.0 * N * Float.BYTES / BenchLog.seconds(t0) / 1e9);
            t0 = System.nanoTime();
            for (int i = 0; i < N; i++) a[i] = b[i] + 0.5f * c[i];
            triad = Math.max(triad, 3.0 * N * Float.BYTES / BenchLog.seconds(t0) / 1e9);
        }
        return new Result(copy, triad);
    }
}
