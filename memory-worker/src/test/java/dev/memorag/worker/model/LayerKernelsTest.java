package dev.memorag.worker.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The fused attention call against attention written out in plain Java: grouped query heads, K/V in several
 * segments read where they lie (strided views of wider rows, as a memory's and a window's are), the last segment
 * causal among the new slots, in both kernel modes and with the math mode in chunks of a few query rows.
 */
class LayerKernelsTest {
    private static final int HEADS = 6;
    private static final int KV_HEADS = 2;
    private static final int DIM = 8;

    private static NDManager manager;
    private static LayerKernels kernel;

    @BeforeAll
    static void load() {
        manager = NDManager.newBaseManager();
        kernel = LayerKernels.load(manager);
    }

    @AfterAll
    static void close() {
        kernel.close();
        manager.close();
    }

    @ParameterizedTest(name = "{0} slots after {1} rows held in {4}, {2}, scores <= {3}")
    @CsvSource({
        "1, '', FLASH, 4194304, FLOAT32",
        "1, '40 3', FLASH, 4194304, FLOAT32",
        "5, '', FLASH, 4194304, FLOAT32",
        "7, '40 3', FLASH, 4194304, FLOAT32",
        "300, '700 90', FLASH, 4194304, FLOAT32",
        "1, '40 3', MATH, 4194304, FLOAT32",
        "7, '40 3', MATH, 4194304, FLOAT32",
        "7, '40 3', MATH, 100, FLOAT32",
        "300, '700 90', MATH, 20000, FLOAT32",
        "1, '40 3', FLASH, 4194304, FLOAT16",
        "300, '700 90', FLASH, 4194304, FLOAT16",
        "7, '40 3', MATH, 100, FLOAT16",
    })
    void matchesPlainAttention(int slots, String cached, LayerKernels.Mode mode, long scoreElements, DataType held) {
        Random random = new Random(slots * 31L + cached.length());
        List<Integer> lengths = new ArrayList<>();
        for (String n : cached.trim().split(" ")) if (!n.isEmpty()) lengths.add(Integer.parseInt(n));
        lengths.add(slots);
        float[] q = gaussian(random, slots * HEADS * DIM);
        List<float[]> keys = new ArrayList<>();
        List<float[]> values = new ArrayList<>();
        for (int i = 0; i < lengths.size(); i++) {
            // Cached rows held in FP16 (a BF16 model's memory on CPU) are attended as the values FP16 holds.
            boolean half = held == DataType.FLOAT16 && i < lengths.size() - 1;
            keys.add(representable(gaussian(random, lengths.get(i) * KV_HEADS * DIM), half));
            values.add(representable(gaussian(random, lengths.get(i) * KV_HEADS * DIM), half));
        }
        double scale = 1 / Math.sqrt(DIM);
        kernel.mode(mode);
        try (NDScope scope = new NDScope()) {
            int last = lengths.size() - 1;
            List<NDArray> k = strided(keys, lengths);
            List<NDArray> v = strided(values, lengths);
            for (int i = 0; i < last; i++) {
                k.set(i, k.get(i).toType(held, false));
                v.set(i, v.get(i).toType(held, false));
            }
            NDArray qkv = manager.create(q, new Shape(slots, HEADS * DIM))
                    .concat(k.get(last).reshape(slots, -1), 1)
                    .concat(v.get(last).reshape(slots, -1), 1);
            // cos 1, sin 0: RoPE leaves q and k as they are (BeaconModelReferenceTest checks the rotation).
            NDArray out = kernel.attend(
                            qkv,
                            HEADS,
                            KV_HEADS,
                            k.subList(0, last),
                            v.subList(0, last),
                            manager.ones(new Shape(slots, 1, DIM)),
                            manager.zeros(new Shape(slots, 1, DIM)),
                            scale,
                            scoreElements)
                    .out();
            assertEquals(new Shape(slots, HEADS * DIM), out.getShape());
            assertArrayEquals(reference(q, keys, values, lengths, scale), out.toFloatArray(), 1e-5f);
        }
    }

    @Test
    void codeThisLibtorchCannotCompileFailsTheLoadNamingTheFileAndTheOp() {
        String code = "class Module(Module):\n  __parameters__ = []\n  __buffers__ = []\n  training : bool\n"
                + "  def attend(self: __torch__.Module, q: Tensor) -> Tensor:\n"
                + "    return torch._no_such_attention_kernel(q)\n";
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> LayerKernels.load(manager, code));
        assertTrue(e.getMessage().contains("layer_kernels.py"), e.getMessage());
        assertTrue(e.getMessage().contains("_no_such_attention_kernel"), e.getMessage());
    }

    private static float[] representable(float[] values, boolean half) {
        if (half) {
            for (int i = 0; i < values.length; i++)
                values[i] = TensorDType.halfToFloat(TensorDType.floatToHalf(values[i]) & 0xFFFF);
        }
        return values;
    }

    /** Each segment as the [rows, kvHeads, dim] half of a [rows, 2 * kvHeads, dim] array: a view with row stride. */
    private static List<NDArray> strided(List<float[]> segments, List<Integer> lengths) {
        List<NDArray> out = new ArrayList<>();
        for (int i = 0; i < segments.size(); i++) {
            int rows = lengths.get(i);
            NDArray data = manager.create(segments.get(i), new Shape(rows, KV_HEADS, DIM));
            NDArray wide = data.concat(manager.zeros(data.getShape()), 1);
            out.add(wide.get(":, :" + KV_HEADS + ", :"));
        }
        return out;
    }

    /** Softmax attention of each query head over all rows, the last segment's rows causal among the new slots. */
    private static float[] reference(
            float[] q, List<float[]> keys, List<float[]> values, List<Integer> lengths, double scale) {
        int slots = lengths.get(lengths.size() - 1);
        int past = lengths.stream().mapToInt(Integer::intValue).sum() - slots;
        float[] out = new float[slots * HEADS * DIM];
        for (int s = 0; s < slots; s++) {
            for (int h = 0; h < HEADS; h++) {
                int kvh = h / (HEADS / KV_HEADS);
                List<double[]> rowsK = new ArrayList<>();
                List<double[]> rowsV = new ArrayList<>();
                for (int seg = 0; seg < lengths.size(); seg++) {
                    for (int r = 0; r < lengths.get(seg); r++) {
                        rowsK.add(row(keys.get(seg), r, kvh));
                        rowsV.add(row(values.get(seg), r, kvh));
                    }
                }
                int visible = past + s + 1;
                double[] scores = new double[visible];
                double max = Double.NEGATIVE_INFINITY;
                for (int r = 0; r < visible; r++) {
                    double dot = 0;
                    for (int d = 0; d < DIM; d++) dot += q[(s * HEADS + h) * DIM + d] * rowsK.get(r)[d];
                    scores[r] = dot * scale;
                    max = Math.max(max, scores[r]);
                }
                double sum = 0;
                for (int r = 0; r < visible; r++) sum += scores[r] = Math.exp(scores[r] - max);
                for (int d = 0; d < DIM; d++) {
                    double acc = 0;
                    for (int r = 0; r < visible; r++) acc += scores[r] / sum * rowsV.get(r)[d];
                    out[(s * HEADS + h) * DIM + d] = (float) acc;
                }
            }
        }
        return out;
    }

    private static double[] row(float[] segment, int row, int kvHead) {
        double[] out = new double[DIM];
        for (int d = 0; d < DIM; d++) out[d] = segment[(row * KV_HEADS + kvHead) * DIM + d];
        return out;
    }

    private static float[] gaussian(Random random, int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) out[i] = (float) random.nextGaussian();
        return out;
    }
}
