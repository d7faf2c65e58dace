package dev.memorag.worker.model;

import ai.djl.ndarray.NDArray;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;

/** Picks the next token from logits: argmax, or temperature + top-p with a seeded Random. */
public final class Sampler {
    private final GenerationOptions options;
    private final Random random;

    public Sampler(GenerationOptions options) {
        this.options = options;
        this.random = new Random(options.seed());
    }

    /**
     * Picks from logits on the device ([vocab], FP32). Greedy takes the argmax there, so one index crosses to Java
     * instead of the vocabulary (libtorch's argmax returns the first of equal maxima, as {@link #argmax} does); top-p
     * reads them all.
     */
    public int next(NDArray logits) {
        return options.temperature() == 0 ? (int) logits.argMax().getLong() : next(logits.toFloatArray());
    }

    public int next(float[] logits) {
        if (options.temperature() == 0) return argmax(logits);
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) max = Math.max(max, l);
        double[] p = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            p[i] = Math.exp((logits[i] - max) / options.temperature());
            sum += p[i];
        }
        final double total = sum;
        Integer[] order = IntStream.range(0, p.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -p[i]).thenComparingInt(i -> i));
        // Nucleus: the smallest prefix of the sorted distribution whose mass reaches topP.
        int keep = 0;
        double mass = 0;
        while (keep < order.length && (keep == 0 || mass < options.topP())) {
            mass += p[order[keep]] / total;
            keep++;
        }
        double u = random.nextDouble() * mass;
        double acc = 0;
        for (int i = 0; i < keep; i++) {
            acc += p[order[i]] / total;
            if (u < acc) return order[i];
        }
        return order[keep - 1];
    }

    static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
        return best;
    }
}
