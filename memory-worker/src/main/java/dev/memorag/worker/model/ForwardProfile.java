package dev.memorag.worker.model;

import java.util.EnumMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Wall time of {@link BeaconModel#forward}'s stages, summed over calls until {@link #reset}. Benchmarks set one on a
 * model to see where a decode step or a window goes; without one the model reads no clock. libtorch runs CPU ops
 * eagerly on the calling thread, so a stage's wall time is its ops' time (on CUDA it would be launch time only). Not
 * thread-safe: profile one forward at a time.
 */
public final class ForwardProfile {
    /** Op categories of a forward. Projections are per kind. */
    public enum Stage {
        EMBED("embedding rows"),
        NORM("RMS norms (the second with its residual add)"),
        PROJ_QKV("q, k, v projections (one matmul)"),
        PROJ_O("o projection"),
        MLP_GATE_UP("MLP gate and up (one matmul)"),
        MLP_DOWN("MLP down"),
        ROPE("RoPE cos/sin rows"),
        ATTENTION("q/k/v split, RoPE, attention over memory, window and new slots (one call a layer)"),
        ELEMENTWISE("SwiGLU and the last residual add"),
        LM_HEAD("LM head"),
        OVERFLOW_CHECK("FP16 GEMV overflow check (BF16)"),
        FREE("closing temporaries");

        private final String label;

        Stage(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    private final long[] nanos = new long[Stage.values().length];
    private long forwardNanos;
    private long forwards;
    private long recomputed;

    <T> T time(Stage stage, Supplier<T> body) {
        long t0 = System.nanoTime();
        T result = body.get();
        nanos[stage.ordinal()] += System.nanoTime() - t0;
        return result;
    }

    void addForward(long nanos) {
        forwardNanos += nanos;
        forwards++;
    }

    void addRecomputed() {
        recomputed++;
    }

    /** Forwards whose FP16 GEMV overflowed and that were recomputed on up-cast weights. */
    public long recomputed() {
        return recomputed;
    }

    /** Seconds per stage since the last reset, in stage order. */
    public Map<Stage, Double> seconds() {
        Map<Stage, Double> out = new EnumMap<>(Stage.class);
        for (Stage s : Stage.values()) out.put(s, nanos[s.ordinal()] / 1e9);
        return out;
    }

    /** Seconds inside forward calls since the last reset (the stages plus what no stage covers). */
    public double forwardSeconds() {
        return forwardNanos / 1e9;
    }

    public long forwards() {
        return forwards;
    }

    public void reset() {
        java.util.Arrays.fill(nanos, 0);
        forwardNanos = 0;
        forwards = 0;
        recomputed = 0;
    }
}
