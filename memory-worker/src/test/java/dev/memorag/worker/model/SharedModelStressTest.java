package dev.memorag.worker.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One model shared the way a worker shares it: a memorizer extends a memory window by window, recall sessions decode
 * over a restored memory, and keys are rotated at positions that grow the RoPE tables, all at once. Every result must
 * equal what the same work computes alone on a model of its own (a closed or replaced array read by another thread
 * would show as a difference or as DJL's "already released" error), and over rounds the malloc'd native memory must
 * stay flat.
 */
class SharedModelStressTest {
    private static final int WINDOW = 32;
    private static final int WINDOWS = 12;
    private static final int SESSIONS = 3;
    private static final int NEW_TOKENS = 6;
    private static final int ROUNDS = 6;
    private static final long LAST_POSITION = 40_000;

    static {
        // the condition the native-lifetime check is specified under; it only changes how TorchScript graphs are
        // optimized, and LayerKernels turns that optimization off on every calling thread anyway, so the ops below run
        // exactly as they do in a worker
        System.setProperty("ai.djl.pytorch.graph_optimizer", "false");
    }

    @TempDir
    Path tmp;

    @Test
    void memorizerRecallAndRopeGrowthTogetherEqualEachAlone() throws Exception {
        Path dir = TinyModels.write(tmp.resolve("qwen2"), TinyCheckpointWriter.Spec.tiny("qwen2", WINDOW, 4));
        int[] corpus = TinyModels.tokens(7, WINDOWS * WINDOW + 5);
        float[] keys = new float[8 * 2 * 16];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = (float) Math.cos(i);
        }
        List<Long> positions = new ArrayList<>();
        for (long from = 0; from < LAST_POSITION; from = from * 3 / 2 + 101) {
            positions.add(from);
        }

        MemoryState seed;
        List<byte[]> memorizedAlone;
        List<int[]> answersAlone = new ArrayList<>();
        List<float[]> rotatedAlone = new ArrayList<>();
        try (BeaconModel alone = BeaconModel.load(dir, ComputeDevice.cpu(), null)) {
            try (BeaconMemory m = BeaconMemory.empty(alone)) {
                m.extend(java.util.Arrays.copyOf(corpus, 2 * WINDOW + 3));
                seed = m.export();
            }
            memorizedAlone = memorize(alone, corpus);
            for (int s = 0; s < SESSIONS; s++) {
                answersAlone.add(recall(alone, seed, s));
            }
            for (long from : positions) {
                rotatedAlone.add(rotated(alone, keys, from));
            }
        }

        ExecutorService pool = Executors.newFixedThreadPool(2 + SESSIONS);
        long nativeAfterFirstRounds = 0;
        long maxNative = 0;
        try {
            for (int round = 0; round < ROUNDS; round++) {
                try (BeaconModel shared = BeaconModel.load(dir, ComputeDevice.cpu(), null)) {
                    List<Future<?>> work = new ArrayList<>();
                    work.add(pool.submit(() -> {
                        List<byte[]> windows = memorize(shared, corpus);
                        assertEquals(memorizedAlone.size(), windows.size());
                        for (int w = 0; w < windows.size(); w++) {
                            assertArrayEquals(memorizedAlone.get(w), windows.get(w), "memorized window " + w);
                        }
                        return null;
                    }));
                    for (int s = 0; s < SESSIONS; s++) {
                        int session = s;
                        work.add(pool.submit(() -> {
                            assertArrayEquals(
                                    answersAlone.get(session),
                                    recall(shared, seed, session),
                                    "tokens of session " + session);
                            return null;
                        }));
                    }
                    work.add(pool.submit(() -> {
                        for (int i = 0; i < positions.size(); i++) {
                            assertArrayEquals(
                                    rotatedAlone.get(i),
                                    rotated(shared, keys, positions.get(i)),
                                    "keys rotated at " + positions.get(i));
                        }
                        return null;
                    }));
                    for (Future<?> f : work) {
                        f.get(); // rethrows a thread's failure, a released-array error included
                    }
                    assertEquals(
                            0,
                            shared.manager().getManagedArrays().stream()
                                    .filter(a -> a.isReleased())
                                    .count(),
                            "the model manager holds no released array");
                }
                if (round == 1) {
                    nativeAfterFirstRounds = NativeHeap.settledInUseBytes();
                } else if (round > 1) {
                    maxNative = Math.max(maxNative, NativeHeap.settledInUseBytes());
                }
            }
        } finally {
            pool.shutdownNow();
        }
        long growth = maxNative - nativeAfterFirstRounds;
        // the same backstop as NativeMemoryTest: room for malloc arena noise from the JIT and other JVM threads
        assertTrue(growth < 64L << 20, "malloc'd native memory grew by " + (growth >> 20) + " MiB over the rounds");
    }

    private static List<byte[]> memorize(BeaconModel model, int[] corpus) {
        try (BeaconMemory m = BeaconMemory.empty(model)) {
            for (int from = 0; from < corpus.length; from += 19) {
                m.extend(java.util.Arrays.copyOfRange(corpus, from, Math.min(corpus.length, from + 19)));
            }
            return m.export().windows();
        }
    }

    private static int[] recall(BeaconModel model, MemoryState seed, int session) {
        try (BeaconMemory m = BeaconMemory.restore(model, seed);
                RecallSession s = new RecallSession(m)) {
            return s.generate(
                    TinyModels.tokens(500 + session, 9 + session),
                    GenerationOptions.greedy(NEW_TOKENS, Set.of()),
                    t -> true);
        }
    }

    private static float[] rotated(BeaconModel model, float[] keys, long from) {
        try (NDManager out = NDManager.newBaseManager()) {
            NDArray k = out.create(keys, new Shape(8, 2, 16));
            return model.rotateKeys(out, k, from).toFloatArray();
        }
    }
}
