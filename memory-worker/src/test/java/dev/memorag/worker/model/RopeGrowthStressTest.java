package dev.memorag.worker.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Threads that rotate keys at positions past the RoPE tables' capacity grow and replace the tables while other
 * threads read rows of the old ones (recall sessions and the memorizer share one model): every rotation must come out
 * as a lone thread computes it, never from a table closed under it.
 */
class RopeGrowthStressTest {
    private static final int THREADS = 4;
    private static final int ROWS = 8;
    private static final long LAST_POSITION = 70_000; // four doublings past the first table (4096)

    @TempDir
    Path tmp;

    @Test
    void concurrentReadersNeverSeeATableAGrowthClosed() throws Exception {
        Path dir = TinyModels.write(tmp.resolve("qwen2"), TinyCheckpointWriter.Spec.tiny("qwen2", 64, 4));
        float[] keys = new float[ROWS * 2 * 16];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = (float) Math.sin(i);
        }
        List<Long> positions = new ArrayList<>();
        for (long from = 0; from < LAST_POSITION; from = from * 5 / 4 + 97) {
            positions.add(from);
        }
        List<float[]> expected = new ArrayList<>();
        try (BeaconModel alone = BeaconModel.load(dir, ComputeDevice.cpu(), null)) {
            for (long from : positions) {
                expected.add(rotated(alone, keys, from));
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            for (int round = 0; round < 5; round++) {
                // a fresh model starts with no table: each round grows it from nothing while all threads read
                try (BeaconModel shared = BeaconModel.load(dir, ComputeDevice.cpu(), null)) {
                    List<Future<?>> readers = new ArrayList<>();
                    for (int t = 0; t < THREADS; t++) {
                        int offset = t;
                        readers.add(pool.submit(() -> {
                            for (int i = offset % 2; i < positions.size(); i++) {
                                assertArrayEquals(
                                        expected.get(i),
                                        rotated(shared, keys, positions.get(i)),
                                        "keys rotated at " + positions.get(i));
                            }
                            return null;
                        }));
                    }
                    for (Future<?> reader : readers) {
                        reader.get(); // rethrows a reader's failure
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(positions.size(), expected.size());
    }

    private static float[] rotated(BeaconModel model, float[] keys, long from) {
        try (NDManager out = NDManager.newBaseManager()) {
            NDArray k = out.create(keys, new Shape(ROWS, 2, 16));
            return model.rotateKeys(out, k, from).toFloatArray();
        }
    }
}
