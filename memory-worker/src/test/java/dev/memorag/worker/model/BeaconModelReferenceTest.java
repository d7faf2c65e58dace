package dev.memorag.worker.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The DJL forward pass against the plain-Java reference on tiny checkpoints of both architectures. */
class BeaconModelReferenceTest {
    private static final int WINDOW = 32;
    /** Enough windows that the memory's rows span two blocks. */
    private static final int WINDOWS = BeaconMemory.BLOCK_WINDOWS + 2;

    private static final double TOL = 1e-4;

    @TempDir
    static Path tmp;

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("qwen2", 4, TensorDType.F32, false, LayerKernels.Mode.FLASH, BeaconModel.SCORE_ELEMENTS),
                Arguments.of("qwen2", 16, TensorDType.BF16, false, LayerKernels.Mode.FLASH, BeaconModel.SCORE_ELEMENTS),
                Arguments.of("mistral", 4, TensorDType.BF16, true, LayerKernels.Mode.FLASH, BeaconModel.SCORE_ELEMENTS),
                Arguments.of(
                        "mistral", 16, TensorDType.F32, false, LayerKernels.Mode.FLASH, BeaconModel.SCORE_ELEMENTS),
                // The kernel other devices run, in query chunks of a few rows, as long memories need there.
                Arguments.of("qwen2", 4, TensorDType.F32, true, LayerKernels.Mode.MATH, 1000L),
                Arguments.of(
                        "mistral", 16, TensorDType.BF16, false, LayerKernels.Mode.MATH, BeaconModel.SCORE_ELEMENTS));
    }

    @ParameterizedTest(name = "{0} r={1} {2} tied={3} {4} scores<={5}")
    @MethodSource("cases")
    void memoryAndLogitsMatchReference(
            String type, int ratio, TensorDType dtype, boolean tied, LayerKernels.Mode mode, long scoreElements) {
        Path dir = TinyModels.write(
                tmp.resolve(type + ratio + dtype + tied + mode + scoreElements),
                TinyCheckpointWriter.Spec.tiny(type, WINDOW, ratio)
                        .withDtype(dtype)
                        .withTied(tied));
        int[] stream = TinyModels.tokens(7, WINDOWS * WINDOW + 13);
        int[] prompt = TinyModels.tokens(8, 30); // crosses the next window boundary inside the recall session
        try (BeaconModel model = BeaconModel.load(dir, ComputeDevice.cpu(), null);
                BeaconMemory memory = BeaconMemory.empty(model)) {
            model.attentionMode(mode);
            model.setScoreElements(scoreElements);
            ReferenceModel ref = new ReferenceModel(dir, model.beacon());
            memory.extend(stream);
            assertEquals(WINDOWS, memory.windowCount());
            assertEquals((long) WINDOWS * WINDOW / ratio, memory.memoryRows());
            assertArrayEquals(java.util.Arrays.copyOfRange(stream, WINDOWS * WINDOW, stream.length), memory.pending());

            ReferenceModel.Memory refMem = ref.memorize(stream);
            MemoryState state = memory.export();
            int n = model.beacon().beaconsPerWindow();
            double worst = 0;
            for (int w = 0; w < WINDOWS; w++) {
                for (int l = 0; l < model.config().numLayers(); l++) {
                    for (int i = 0; i < n; i++) {
                        worst = Math.max(
                                worst,
                                TinyModels.maxAbsDiff(
                                        refMem.k.get(l).get(w * n + i),
                                        TinyModels.windowRow(state.windows().get(w), model.config(), l, 0, i)));
                        worst = Math.max(
                                worst,
                                TinyModels.maxAbsDiff(
                                        refMem.v.get(l).get(w * n + i),
                                        TinyModels.windowRow(state.windows().get(w), model.config(), l, 1, i)));
                    }
                }
            }
            assertTrue(worst < TOL, "memory K/V differ from the reference by " + worst);

            try (RecallSession session = new RecallSession(memory)) {
                int[] seen = TinyModels.concat(stream, prompt);
                float[] logits = session.feed(prompt);
                assertClose(ref.lastLogits(seen), logits, "after prompt");
                for (int step = 0; step < 3; step++) {
                    int next = Sampler.argmax(logits);
                    seen = TinyModels.concat(seen, new int[] {next});
                    logits = session.feed(new int[] {next});
                    assertClose(ref.lastLogits(seen), logits, "decode step " + step);
                }
            }
        }
    }

    private static void assertClose(float[] expected, float[] actual, String what) {
        double d = TinyModels.maxAbsDiff(expected, actual);
        assertTrue(d < TOL, what + ": logits differ from the reference by " + d);
        // Guard against a vacuous match (e.g. both all zeros): logits must actually vary.
        float min = Float.MAX_VALUE, max = -Float.MAX_VALUE;
        for (float f : actual) {
            min = Math.min(min, f);
            max = Math.max(max, f);
        }
        assertTrue(max - min > 1, what + ": logits nearly constant (" + min + ".." + max + ")");
    }
}
