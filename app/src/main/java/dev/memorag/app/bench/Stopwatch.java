package dev.memorag.app.bench;

import java.lang.management.ManagementFactory;

/**
 * Wall time and this whole process's CPU time (all threads, native ones included) since it started. CPU time shows
 * how much work a path did whatever share of a shared machine it got.
 */
record Stopwatch(long nanos, long cpuNanos) {
    record Reading(double seconds, double cpuSeconds) {}

    static Stopwatch start() {
        return new Stopwatch(System.nanoTime(), processCpuNanos());
    }

    Reading read() {
        return new Reading((System.nanoTime() - nanos) / 1e9, (processCpuNanos() - cpuNanos) / 1e9);
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
