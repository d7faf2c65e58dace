package dev.memorag.worker.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** This process's resident memory as the kernel counts it (/proc/self/status), for benchmarks and memory tests. */
public final class ResidentSet {
    private ResidentSet() {}

    /** Current resident set (VmRSS) in bytes. */
    public static long bytes() {
        return field("VmRSS:");
    }

    /** Peak resident set (VmHWM) in bytes. */
    public static long peakBytes() {
        return field("VmHWM:");
    }

    private static long field(String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(name))
                    return Long.parseLong(line.substring(name.length()).trim().split("\\s+")[0]) * 1024;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("no " + name + " in /proc/self/status");
    }
}
