package dev.memorag.app.bench;

import java.util.Arrays;
import java.util.Collection;

/** Percentiles of a set of latencies, in milliseconds. */
record LatencyStats(int count, double p50, double p99, double max) {

    static LatencyStats of(Collection<Long> nanos) {
        long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        if (sorted.length == 0) {
            return new LatencyStats(0, Double.NaN, Double.NaN, Double.NaN);
        }
        return new LatencyStats(sorted.length, at(sorted, 0.50), at(sorted, 0.99), sorted[sorted.length - 1] / 1e6);
    }

    private static double at(long[] sorted, double quantile) {
        int index = (int) Math.ceil(quantile * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
    }

    @Override
    public String toString() {
        return Arrays.toString(new double[] {p50, p99, max});
    }
}
