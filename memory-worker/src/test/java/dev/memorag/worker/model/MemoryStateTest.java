package dev.memorag.worker.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Export/import of memories and the guarantee that recall never changes the memory it reads. */
class MemoryStateTest {
    private static final int WINDOW = 32;

    @TempDir
    static Path tmp;

    static Path dir;
    static BeaconModel model;

    @BeforeAll
    static void load() {
        dir = TinyModels.write(tmp.resolve("mistral"), TinyCheckpointWriter.Spec.tiny("mistral", WINDOW, 4));
        model = BeaconModel.load(dir, ComputeDevice.cpu(), null);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void exportImportRoundTripGivesIdenticalRecall() {
        int[] prompt = TinyModels.tokens(22, 45); // completes a window inside the session
        GenerationOptions options = GenerationOptions.greedy(10, Set.of());
        try (BeaconMemory original = BeaconMemory.empty(model)) {
            original.extend(TinyModels.tokens(21, 3 * WINDOW + 9));
            MemoryState state = original.export();
            List<Integer> streamed = new ArrayList<>();
            int[] expected;
            try (RecallSession s = new RecallSession(original)) {
                expected = s.generate(prompt, options, t -> streamed.add(t));
            }
            assertEquals(10, expected.length);
            assertArrayEquals(
                    expected,
                    streamed.stream().mapToInt(Integer::intValue).toArray(),
                    "callback saw every token in order");
            // Persisted form: windows and pending ids as bytes, as a store would keep them.
            List<byte[]> windows = new ArrayList<>();
            for (int i = 0; i < original.windowCount(); i++)
                windows.add(original.exportWindow(i).clone());
            int[] pending = MemoryState.pendingFromBytes(state.pendingBytes());
            MemoryState reloaded = new MemoryState(
                    state.window(),
                    state.ratio(),
                    state.layers(),
                    state.kvDim(),
                    state.precision(),
                    windows,
                    pending,
                    pending.length % state.ratio());
            try (BeaconMemory restored = BeaconMemory.restore(model, reloaded);
                    RecallSession s = new RecallSession(restored)) {
                assertEquals(original.memoryRows(), restored.memoryRows());
                assertArrayEquals(expected, s.generate(prompt, options, t -> true));
                for (int i = 0; i < windows.size(); i++) assertArrayEquals(windows.get(i), restored.exportWindow(i));
            }
        }
    }

    @Test
    void recallDoesNotModifyTheMemory() {
        try (BeaconMemory memory = BeaconMemory.empty(model)) {
            memory.extend(TinyModels.tokens(31, 2 * WINDOW + 20));
            MemoryState before = memory.export();
            try (RecallSession s = new RecallSession(memory)) {
                s.generate(TinyModels.tokens(32, 3 * WINDOW), GenerationOptions.greedy(5, Set.of()), t -> true);
            }
            MemoryState after = memory.export();
            assertEquals(before.windows().size(), after.windows().size());
            for (int i = 0; i < before.windows().size(); i++)
                assertArrayEquals(before.windows().get(i), after.windows().get(i));
            assertArrayEquals(before.pending(), after.pending());
            assertEquals(2L * WINDOW / 4, memory.memoryRows());
        }
    }

    @Test
    void windowsAreAppendOnly() {
        try (BeaconMemory memory = BeaconMemory.empty(model)) {
            memory.extend(TinyModels.tokens(41, WINDOW + 5));
            byte[] first = memory.exportWindow(0);
            memory.extend(TinyModels.tokens(42, 2 * WINDOW));
            assertEquals(3, memory.windowCount());
            assertArrayEquals(first, memory.exportWindow(0));
        }
    }

    @Test
    void mismatchedStatesAreRefused() {
        MemoryState wrongRatio = new MemoryState(
                WINDOW,
                8,
                model.config().numLayers(),
                model.config().kvDim(),
                ComputeDevice.Precision.FP32,
                List.of(),
                new int[0],
                0);
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> BeaconMemory.restore(model, wrongRatio));
        assertTrue(e.getMessage().contains("ratio 8"), e.getMessage());
        IllegalArgumentException size = assertThrows(
                IllegalArgumentException.class,
                () -> new MemoryState(
                        WINDOW, 4, 2, 32, ComputeDevice.Precision.FP32, List.of(new byte[10]), new int[0], 0));
        assertTrue(size.getMessage().contains("window 0 has 10 bytes"), size.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> new MemoryState(WINDOW, 4, 2, 32, ComputeDevice.Precision.FP32, List.of(), new int[3], 0));
    }
}
