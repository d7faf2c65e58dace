package dev.memorag.worker.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory is a function of the token stream only: feeding it in any split gives bitwise the same
 * exported memory (each full window is always one forward of identical shape over identical inputs,
 * so CPU FP32 results are identical) and therefore the same generated tokens.
 */
class IncrementalMemoryTest {
    private static final int WINDOW = 32;

    @TempDir
    static Path tmp;

    static BeaconModel model;

    @BeforeAll
    static void load() {
        Path dir = TinyModels.write(tmp.resolve("qwen2"), TinyCheckpointWriter.Spec.tiny("qwen2", WINDOW, 4));
        model = BeaconModel.load(dir, ComputeDevice.cpu(), null);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void randomSplitsGiveTheSameMemoryAndGeneration() {
        int[] stream = TinyModels.tokens(11, 5 * WINDOW + 7);
        int[] prompt = TinyModels.tokens(12, 20);
        GenerationOptions greedy = GenerationOptions.greedy(8, Set.of());
        GenerationOptions sampled = greedy.withSampling(0.9, 0.95, 3);
        try (BeaconMemory onePass = BeaconMemory.empty(model)) {
            onePass.extend(stream);
            MemoryState expected = onePass.export();
            assertEquals(5, expected.windows().size());
            int[] expectedGreedy = generate(onePass, prompt, greedy);
            int[] expectedSampled = generate(onePass, prompt, sampled);
            for (long seed = 1; seed <= 3; seed++) {
                try (BeaconMemory pieces = BeaconMemory.empty(model)) {
                    Random r = new Random(seed);
                    int pos = 0;
                    while (pos < stream.length) {
                        int n = Math.min(stream.length - pos, r.nextInt(3) == 0 ? r.nextInt(3) : r.nextInt(2 * WINDOW));
                        pieces.extend(Arrays.copyOfRange(stream, pos, pos + n));
                        pos += n;
                    }
                    MemoryState actual = pieces.export();
                    assertEquals(expected.windows().size(), actual.windows().size());
                    for (int w = 0; w < expected.windows().size(); w++) {
                        assertArrayEquals(
                                expected.windows().get(w),
                                actual.windows().get(w),
                                "window " + w + " split seed " + seed);
                    }
                    assertArrayEquals(expected.pending(), actual.pending());
                    assertEquals(expected.remainder(), actual.remainder());
                    assertArrayEquals(expectedGreedy, generate(pieces, prompt, greedy));
                    assertArrayEquals(expectedSampled, generate(pieces, prompt, sampled));
                }
            }
        }
    }

    @Test
    void partialWindowIsKeptAsTokensWithItsRemainder() {
        try (BeaconMemory m = BeaconMemory.empty(model)) {
            m.extend(TinyModels.tokens(3, WINDOW - 3));
            assertEquals(0, m.windowCount());
            assertEquals(0, m.memoryRows());
            MemoryState s = m.export();
            assertEquals(WINDOW - 3, s.pending().length);
            assertEquals((WINDOW - 3) % 4, s.remainder());
            m.extend(TinyModels.tokens(4, 5));
            assertEquals(1, m.windowCount());
            assertEquals(WINDOW / 4, m.memoryRows());
            assertEquals(2, m.pending().length);
            assertEquals(WINDOW + 2, m.tokenCount());
            assertEquals(WINDOW + 2, m.export().tokenCount());
        }
    }

    @Test
    void loadTimeSettingsOverrideTheConfig() {
        Path dir = tmp.resolve("qwen2");
        try (BeaconModel small = BeaconModel.load(dir, ComputeDevice.cpu(), new BeaconSettings(16, 8));
                BeaconMemory m = BeaconMemory.empty(small)) {
            m.extend(TinyModels.tokens(5, 40));
            assertEquals(2, m.windowCount());
            assertEquals(2 * 16 / 8, m.memoryRows());
            assertEquals(8, m.pending().length);
            assertEquals(8, m.export().ratio());
        }
    }

    static int[] generate(BeaconMemory memory, int[] prompt, GenerationOptions options) {
        try (RecallSession s = new RecallSession(memory)) {
            return s.generate(prompt, options, t -> true);
        }
    }
}
