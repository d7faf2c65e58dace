package dev.memorag.worker.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.memorag.worker.model.ComputeDevice.Precision;
import dev.memorag.worker.store.MemoryCursor;
import dev.memorag.worker.store.MemoryUpdate;
import dev.memorag.worker.store.RocksCorpusStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A BF16 model on CPU against the FP32 model of the same BF16 checkpoint (so both hold exactly the same weights).
 * They differ in two places only: kept memory rows are rounded to BF16, and rows of at most
 * {@link Weights#GEMV_ROWS} are multiplied through the FP16 GEMV (activations rounded to FP16's 11-bit mantissa).
 *
 * <p>Tolerance: BF16 keeps an 8-bit significand, so rounding to nearest moves a value by at most 2^-9 of itself. A
 * window's beacons are computed from rows already rounded that way (earlier memory) and from FP16-rounded
 * activations, each step adding errors of that size relative to the magnitudes involved, so the test bounds the
 * largest difference by 4 * 2^-9 of the largest value of the same layer's rows: a few BF16 roundings, far below
 * the size of any real mistake (a wrong row, position or dtype misread changes values by their own magnitude).
 */
class Bf16ModelTest {
    private static final int WINDOW = 32;
    private static final double BF16_STEP = Math.scalb(1.0, -9);
    private static final double TOL = 4 * BF16_STEP;

    @TempDir
    static Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"qwen2", "mistral"})
    void bf16MemoryAndGreedyTokensMatchFp32(String type) {
        Path dir = TinyModels.write(
                tmp.resolve("cmp-" + type),
                TinyCheckpointWriter.Spec.tiny(type, WINDOW, 4).withDtype(TensorDType.BF16));
        int[] stream = TinyModels.tokens(7, 3 * WINDOW + 13);
        int[] prompt = TinyModels.tokens(8, 30);
        try (BeaconModel fp32 = BeaconModel.load(dir, ComputeDevice.cpu(), null);
                BeaconModel bf16 = BeaconModel.load(dir, ComputeDevice.cpu(Precision.BF16), null);
                BeaconMemory m32 = BeaconMemory.empty(fp32);
                BeaconMemory m16 = BeaconMemory.empty(bf16)) {
            m32.extend(stream);
            m16.extend(stream);
            MemoryState s32 = m32.export();
            MemoryState s16 = m16.export();
            assertEquals(Precision.BF16, s16.precision());
            assertEquals(
                    s32.windows().get(0).length / 2,
                    s16.windows().get(0).length,
                    "BF16 rows take half the bytes of FP32 rows");
            assertEquals(m32.deviceBytes() / 2, m16.deviceBytes(), "BF16 rows are held in 2 bytes on the device too");
            try (NDManager scope = m16.manager().newSubManager()) {
                for (List<LayerKv> block : m16.rows().views(scope)) {
                    for (LayerKv layer : block) {
                        for (NDArray a : new NDArray[] {layer.k(), layer.kRot(), layer.v()})
                            assertEquals(DataType.FLOAT16, a.getDataType());
                    }
                }
            }
            ModelConfig c = fp32.config();
            int n = c.beacon().beaconsPerWindow();
            double worstSteps = 0;
            for (int l = 0; l < c.numLayers(); l++) {
                for (int kv = 0; kv < 2; kv++) {
                    double worst = 0;
                    double scale = 0;
                    for (int w = 0; w < s32.windows().size(); w++) {
                        float[] a = MemoryState.decode(s32.windows().get(w), Precision.FP32);
                        float[] b = MemoryState.decode(s16.windows().get(w), Precision.BF16);
                        int from = (2 * l + kv) * n * c.kvDim();
                        float[] ra = Arrays.copyOfRange(a, from, from + n * c.kvDim());
                        float[] rb = Arrays.copyOfRange(b, from, from + n * c.kvDim());
                        worst = Math.max(worst, TinyModels.maxAbsDiff(ra, rb));
                        for (float f : ra) scale = Math.max(scale, Math.abs(f));
                    }
                    assertTrue(
                            worst <= TOL * scale,
                            type + " layer " + l + (kv == 0 ? " keys" : " values") + " differ by " + worst
                                    + ", more than 4 BF16 steps of their largest value " + scale);
                    assertTrue(worst > 0, "the BF16 rows were rounded, so they cannot all equal the FP32 ones");
                    worstSteps = Math.max(worstSteps, worst / scale / BF16_STEP);
                }
            }
            System.out.printf(
                    "%s: BF16 rows differ from FP32 by at most %.2f BF16 steps of their layer's largest value%n",
                    type, worstSteps);
            GenerationOptions greedy = GenerationOptions.greedy(24, Set.of());
            try (RecallSession a = new RecallSession(m32);
                    RecallSession b = new RecallSession(m16)) {
                assertArrayEquals(
                        a.generate(prompt, greedy, t -> true),
                        b.generate(prompt, greedy, t -> true),
                        type + ": greedy tokens of the BF16 model differ from the FP32 model's");
            }
        }
    }

    /**
     * The last layer's MLP down weights scaled by 2^16 (exact for BF16, still within FP16's range) make decode outputs
     * beyond 65504: the FP16 GEMV turns them into infinities, and a forward that had any is recomputed on the up-cast
     * weights, so the BF16 model still decodes what the FP32 model does.
     */
    @Test
    void decodeStepsWhoseFp16GemvOverflowsAreRecomputed() throws IOException {
        Path dir = TinyModels.write(
                tmp.resolve("overflow"),
                TinyCheckpointWriter.Spec.tiny("qwen2", WINDOW, 4).withDtype(TensorDType.BF16));
        scaleBf16Tensor(dir, WeightLayout.layer(1, "mlp.down_proj.weight"), 1 << 16);
        int[] prompt = TinyModels.tokens(8, 12);
        GenerationOptions greedy = GenerationOptions.greedy(12, Set.of());
        try (BeaconModel fp32 = BeaconModel.load(dir, ComputeDevice.cpu(), null);
                BeaconModel bf16 = BeaconModel.load(dir, ComputeDevice.cpu(Precision.BF16), null);
                BeaconMemory m32 = BeaconMemory.empty(fp32);
                BeaconMemory m16 = BeaconMemory.empty(bf16)) {
            int[] stream = TinyModels.tokens(7, WINDOW + 5);
            m32.extend(stream);
            m16.extend(stream);
            ForwardProfile profile = new ForwardProfile();
            bf16.profile(profile);
            try (RecallSession a = new RecallSession(m32);
                    RecallSession b = new RecallSession(m16)) {
                int[] expected = a.generate(prompt, greedy, t -> true);
                int[] actual = b.generate(prompt, greedy, t -> true);
                assertArrayEquals(expected, actual, "greedy tokens of the BF16 model differ from the FP32 model's");
                float[] logits = b.feed(new int[] {actual[actual.length - 1]});
                for (float f : logits) assertTrue(Float.isFinite(f), "logits after an overflowing step are finite");
                assertTrue(profile.recomputed() > 0, "the scaled weights overflow FP16 in some decode step");
            }
        }
    }

    /** Multiplies a BF16 tensor of a checkpoint in place by a power of two (exact: only the exponents change). */
    private static void scaleBf16Tensor(Path dir, String name, int powerOfTwo) throws IOException {
        try (var shards = Files.list(dir)) {
            for (Path shard :
                    shards.filter(p -> p.toString().endsWith(".safetensors")).toList()) {
                SafetensorsFile.TensorInfo t;
                try (SafetensorsFile f = SafetensorsFile.open(shard)) {
                    t = f.tensors().get(name);
                }
                if (t == null) continue;
                try (FileChannel ch = FileChannel.open(shard, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                    ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(t.end() - t.begin()))
                            .order(ByteOrder.LITTLE_ENDIAN);
                    ch.read(b, t.begin());
                    for (int i = 0; i < b.limit(); i += 2) {
                        float v = Float.intBitsToFloat((b.getShort(i) & 0xFFFF) << 16) * powerOfTwo;
                        b.putShort(i, (short) (Float.floatToRawIntBits(v) >>> 16));
                    }
                    ch.write(b.rewind(), t.begin());
                }
                return;
            }
        }
        throw new IllegalArgumentException("no tensor " + name + " in " + dir);
    }

    @Test
    void everyBf16ValueInHalfRangeIsExactInTheFp16Container() {
        java.util.Random r = new java.util.Random(3);
        for (int i = 0; i < 200_000; i++) {
            float bf16 = TensorDType.roundToBf16((float) (r.nextGaussian() * Math.pow(10, r.nextInt(9) - 4)));
            if (Math.abs(bf16) < 6.104e-5f || Math.abs(bf16) > 65504f) continue;
            assertEquals(bf16, TensorDType.halfToFloat(TensorDType.floatToHalf(bf16) & 0xFFFF), "BF16 value " + bf16);
        }
        // Below half's normal range values round to the nearest subnormal; above it, infinity.
        assertEquals(
                Math.scalb(1f, -24), TensorDType.halfToFloat(TensorDType.floatToHalf(Math.scalb(1.2f, -24)) & 0xFFFF));
        assertEquals(Float.POSITIVE_INFINITY, TensorDType.halfToFloat(TensorDType.floatToHalf(70000f) & 0xFFFF));
        assertEquals(65504f, TensorDType.halfToFloat(TensorDType.floatToHalf(65504f) & 0xFFFF));
    }

    /**
     * What a BF16 row held in FP16 keeps is exact in both: FP16 holds it as it is, and reading it back as BF16 and
     * holding it again gives the same FP16 value, including below FP16's normal range; beyond the range both share,
     * values are clamped, never infinite.
     */
    @Test
    void bf16RowsHeldInFp16RoundTripExactly() {
        java.util.Random r = new java.util.Random(5);
        for (int i = 0; i < 200_000; i++) {
            float x = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(14) - 9));
            float held = TensorDType.halfToFloat(TensorDType.floatToHalf(TensorDType.bf16ForFp16(x)) & 0xFFFF);
            assertEquals(TensorDType.roundToBf16(held), held, "held value of " + x + " is a BF16 value");
            assertEquals(
                    held,
                    TensorDType.halfToFloat(TensorDType.floatToHalf(TensorDType.bf16ForFp16(held)) & 0xFFFF),
                    "held value of " + x + " read back and held again");
            if (Math.abs(x) >= 6.104e-5f && Math.abs(x) <= 65280f)
                assertEquals(TensorDType.roundToBf16(x), held, "a value in range keeps its BF16 rounding: " + x);
        }
        assertEquals(65280f, TensorDType.bf16ForFp16(1e6f));
        assertEquals(-65280f, TensorDType.bf16ForFp16(Float.NEGATIVE_INFINITY));
        assertEquals(65280f, TensorDType.halfToFloat(TensorDType.floatToHalf(65280f) & 0xFFFF));
        assertEquals(65280f, TensorDType.roundToBf16(65280f));
    }

    @ParameterizedTest
    @ValueSource(strings = {"qwen2"})
    void bf16RowsSurviveRocksDbBitExactAndForeignPrecisionIsRefused(String type) {
        Path dir = TinyModels.write(
                tmp.resolve("rocks-" + type),
                TinyCheckpointWriter.Spec.tiny(type, WINDOW, 4).withDtype(TensorDType.BF16));
        int[] stream = TinyModels.tokens(11, 2 * WINDOW + 5);
        int[] prompt = TinyModels.tokens(12, 9);
        try (BeaconModel bf16 = BeaconModel.load(dir, ComputeDevice.cpu(Precision.BF16), null);
                BeaconModel fp32 = BeaconModel.load(dir, ComputeDevice.cpu(), null);
                BeaconMemory live = BeaconMemory.empty(bf16);
                RocksCorpusStore store = new RocksCorpusStore(tmp.resolve("state-" + type))) {
            live.extend(stream);
            MemoryState exported = live.export();
            String fingerprint = ModelFingerprint.of(dir, bf16.beacon(), Precision.BF16);
            assertTrue(fingerprint.endsWith("-bf16"));
            assertNotEquals(
                    ModelFingerprint.of(dir, fp32.beacon(), Precision.FP32),
                    fingerprint,
                    "the fingerprint covers the precision");
            MemoryCursor cursor =
                    new MemoryCursor(fingerprint, 0, live.tokenCount(), live.windowCount(), live.pending(), 0, 0);
            store.applyMemory(new MemoryUpdate(
                    "c", cursor, 0, exported.windows(), bf16.config().numLayers(), true, new long[0]));

            List<byte[]> onDisk = store.memoryWindows("c", live.windowCount());
            MemoryState read = new MemoryState(
                    WINDOW,
                    4,
                    bf16.config().numLayers(),
                    bf16.config().kvDim(),
                    Precision.BF16,
                    onDisk,
                    live.pending(),
                    live.pending().length % 4);
            try (BeaconMemory restored = BeaconMemory.restore(bf16, read);
                    RecallSession a = new RecallSession(live);
                    RecallSession b = new RecallSession(restored)) {
                for (int w = 0; w < exported.windows().size(); w++) {
                    assertArrayEquals(
                            exported.windows().get(w),
                            restored.exportWindow(w),
                            "window " + w + " changed on its way through RocksDB");
                }
                // The live memory holds exactly the rounded rows it exported: recall cannot tell it from the restored
                // one.
                assertArrayEquals(a.feed(prompt), b.feed(prompt));
            }
            // BF16 rows beyond FP16's range (a memory computed in BF16 on a GPU could hold them) are clamped on CPU.
            float[] foreign = MemoryState.decode(onDisk.get(0), Precision.BF16);
            foreign[0] = 1e5f;
            foreign[1] = -3e38f;
            // row 1's first rotation pair at the clamp: rotated at position 1 it passes FP16's range
            int kvDim = bf16.config().kvDim();
            foreign[kvDim] = 1e5f;
            foreign[kvDim + bf16.config().headDim() / 2] = -1e5f;
            List<byte[]> windows = new java.util.ArrayList<>(onDisk);
            windows.set(0, MemoryState.encode(foreign, Precision.BF16));
            try (BeaconMemory restored = BeaconMemory.restore(
                    bf16,
                    new MemoryState(
                            WINDOW,
                            4,
                            read.layers(),
                            read.kvDim(),
                            Precision.BF16,
                            windows,
                            read.pending(),
                            read.pending().length % 4))) {
                float[] held = MemoryState.decode(restored.exportWindow(0), Precision.BF16);
                assertEquals(65280f, held[0]);
                assertEquals(-65280f, held[1]);
                assertEquals(65280f, held[kvDim]);
                assertArrayEquals(Arrays.copyOfRange(foreign, 2, kvDim), Arrays.copyOfRange(held, 2, kvDim));
                try (RecallSession session = new RecallSession(restored)) {
                    for (float f : session.feed(prompt)) assertTrue(Float.isFinite(f), "logits over clamped rows");
                }
            }

            IllegalArgumentException refused =
                    assertThrows(IllegalArgumentException.class, () -> BeaconMemory.restore(fp32, read));
            assertTrue(
                    refused.getMessage().contains("memory rows are bf16 but this model holds fp32"),
                    refused.getMessage());
            try (BeaconMemory m32 = BeaconMemory.empty(fp32)) {
                m32.extend(stream);
                MemoryState fp32State = m32.export();
                assertThrows(IllegalArgumentException.class, () -> BeaconMemory.restore(bf16, fp32State));
                // Converted explicitly, FP32 rows become the BF16 values nearest to them; back to FP32 is exact.
                MemoryState converted = fp32State.withPrecision(Precision.BF16);
                float[] exact = MemoryState.decode(fp32State.windows().get(0), Precision.FP32);
                float[] rounded = MemoryState.decode(converted.windows().get(0), Precision.BF16);
                for (int i = 0; i < exact.length; i++) assertEquals(TensorDType.roundToBf16(exact[i]), rounded[i]);
                assertArrayEquals(
                        converted.windows().get(0),
                        converted
                                .withPrecision(Precision.FP32)
                                .withPrecision(Precision.BF16)
                                .windows()
                                .get(0));
                try (BeaconMemory opened = BeaconMemory.restore(bf16, converted)) {
                    assertEquals(m32.windowCount(), opened.windowCount());
                }
            }
        }
    }
}
