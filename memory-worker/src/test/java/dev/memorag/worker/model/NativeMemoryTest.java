package dev.memorag.worker.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Native arrays are scoped per window/request: many extend/recall cycles leave no arrays behind in any
 * manager and glibc's in-use native memory (where libtorch CPU tensors live) stays flat.
 */
class NativeMemoryTest {
    private static final int WINDOW = 32;
    private static final int WARMUP = 60;

    @TempDir
    Path tmp;

    @Test
    void manyCyclesDoNotGrowNativeMemory() {
        Path dir = TinyModels.write(tmp.resolve("qwen2"), TinyCheckpointWriter.Spec.tiny("qwen2", WINDOW, 4));
        try (BeaconModel model = BeaconModel.load(dir, ComputeDevice.cpu(), null);
                BeaconMemory longLived = BeaconMemory.empty(model)) {
            int layers = model.config().numLayers();
            MemoryState seed;
            try (BeaconMemory m = BeaconMemory.empty(model)) {
                m.extend(TinyModels.tokens(1, 2 * WINDOW + 3));
                seed = m.export();
            }
            int modelArrays = -1;
            long nativeAfterWarmup = 0;
            long maxNative = 0;
            for (int cycle = 0; cycle < 160; cycle++) {
                try (BeaconMemory m = BeaconMemory.restore(model, seed)) {
                    m.extend(TinyModels.tokens(100 + cycle, 37));
                    try (RecallSession s = new RecallSession(m)) {
                        s.generate(
                                TinyModels.tokens(200 + cycle, 10), GenerationOptions.greedy(4, Set.of()), t -> true);
                        // The session holds its window K/V and the beacons of windows it completed, nothing more.
                        assertTrue(
                                s.manager().getManagedArrays().size() <= 6 * layers,
                                "session arrays: "
                                        + s.manager().getManagedArrays().size());
                    }
                    m.export();
                    assertEquals(
                            3 * layers * m.rows().blockCount(),
                            m.manager().getManagedArrays().size(),
                            "memory keeps K, rotated K and V per layer in each block of its rows");
                }
                longLived.extend(TinyModels.tokens(300 + cycle, 11));
                assertEquals(
                        3 * layers * longLived.rows().blockCount(),
                        longLived.manager().getManagedArrays().size(),
                        "a growing memory keeps K, rotated K and V per layer in each block of its rows");
                if (cycle == WARMUP) {
                    modelArrays = model.manager().getManagedArrays().size();
                    nativeAfterWarmup = NativeHeap.settledInUseBytes();
                }
                if (cycle > WARMUP && (cycle % 20 == 0 || cycle == 159)) {
                    maxNative = Math.max(maxNative, NativeHeap.settledInUseBytes());
                }
                if (cycle > WARMUP)
                    assertEquals(
                            modelArrays,
                            model.manager().getManagedArrays().size(),
                            "model manager arrays at cycle " + cycle);
            }
            // RSS is not used: it also grows while the JVM first touches committed heap pages. The array counts
            // above are the exact leak check; this bound is the backstop for leaks outside DJL's managers, with room
            // for malloc arena noise from the JIT and other JVM threads on a busy machine (34 MiB seen under CI).
            long growth = maxNative - nativeAfterWarmup;
            assertTrue(growth < 64L << 20, "malloc'd native memory grew by " + (growth >> 20) + " MiB over 100 cycles");
        }
    }
}
