package dev.memorag.worker.model;

import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The non-matmul work of a decoder layer as single native calls: a TorchScript module ({@code layer_kernels.py}) with
 * RMSNorm, SwiGLU, RoPE and attention, the last through libtorch's fused CPU flash-attention kernel per K/V segment,
 * the segments joined by their log-sum-exp. DJL 0.36's NDArray API has no fused attention: through it a window's
 * attention over a long memory materialized score tensors chunk by chunk (a window at a 128K-token memory now takes
 * half the time). The other methods save little: libtorch's interpreter dispatches each op of a method at about the
 * cost of a DJL call here (an RMSNorm of one row: 58 µs as one call, 70 µs as DJL ops); they keep each of those
 * computations in one place. The module is written here as the archive {@code torch.jit.save} produces (its code is
 * TorchScript source, which libtorch compiles when loading), so no Python is involved. Off CPU the same module
 * computes the segments with matmuls and an FP32 softmax in bounded query chunks. DJL runs a module under libtorch's
 * InferenceMode, so what the methods return are inference tensors: read them, never update them in place.
 */
final class LayerKernels implements AutoCloseable {
    /** How the segments are computed: libtorch's fused CPU kernel, or matmuls and softmax (any device). */
    enum Mode {
        FLASH,
        MATH
    }

    private static final String SOURCE = "layer_kernels.py";

    private final PtSymbolBlock module;
    private volatile Mode mode;

    private LayerKernels(PtSymbolBlock module, Mode mode) {
        this.module = module;
        this.mode = mode;
    }

    /** Compiles the module on {@code manager}'s device; flash on CPU, math elsewhere. */
    static LayerKernels load(NDManager manager) {
        try {
            return load(manager, source());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Compiles {@code code} as the module. A libtorch that cannot compile it (another version than the one this was
     * written for, say one given by PYTORCH_LIBRARY_PATH) fails the model's load with the compiler's message.
     */
    static LayerKernels load(NDManager manager, String code) {
        try (InputStream archive = new ByteArrayInputStream(archive(code))) {
            PtSymbolBlock module = JniUtils.loadModule((PtNDManager) manager, archive, false, false);
            return new LayerKernels(module, manager.getDevice().isGpu() ? Mode.MATH : Mode.FLASH);
        } catch (EngineException e) {
            throw new ModelLoadException(
                    "this libtorch (" + Engine.getEngine("PyTorch").getVersion() + ") cannot compile the model's "
                            + SOURCE + ": " + e.getMessage().strip(),
                    e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** For the start log: how attention runs. */
    String describe() {
        return mode == Mode.FLASH
                ? "attention through libtorch's fused CPU flash kernel"
                : "attention as matmuls and an FP32 softmax in query chunks";
    }

    /** Forces a mode (tests compare both on CPU). */
    void mode(Mode mode) {
        this.mode = mode;
    }

    /** The attention output [slots, heads * headDim] and the new slots' K (before RoPE), rotated K and V. */
    record Attended(NDArray out, NDArray k, NDArray kRot, NDArray v) {}

    /**
     * RoPE and attention of the new slots, from their stacked projection {@code qkv} [slots, (heads + 2 kvHeads) *
     * headDim], over the cached segments (rotated keys and values, each [rows, kvHeads, headDim]) and then the slots
     * themselves, causally; {@code cos}/{@code sin} [slots, 1, headDim] at the slots' positions; scores scaled by
     * {@code scale}. {@code scoreElements} bounds the scores the math mode holds at once.
     */
    Attended attend(
            NDArray qkv,
            int heads,
            int kvHeads,
            List<NDArray> cachedKeys,
            List<NDArray> cachedValues,
            NDArray cos,
            NDArray sin,
            double scale,
            long scoreElements) {
        NDArray[] out = run(
                qkv,
                "attend",
                tensor(qkv),
                IValue.from(heads),
                IValue.from(kvHeads),
                tensors(cachedKeys),
                tensors(cachedValues),
                tensor(cos),
                tensor(sin),
                IValue.from(scale),
                IValue.from(mode == Mode.FLASH),
                IValue.from(scoreElements));
        return new Attended(out[0], out[1], out[2], out[3]);
    }

    /** {@code x} [rows, heads, headDim] rotated by {@code cos}/{@code sin} [rows, 1, headDim] (RoPE, rotate-half). */
    NDArray rotate(NDArray x, NDArray cos, NDArray sin) {
        return run(x, "rotate", tensor(x), tensor(cos), tensor(sin))[0];
    }

    /** RMSNorm of the rows of {@code x} (statistics in FP32) times {@code weight}. */
    NDArray rmsNorm(NDArray x, NDArray weight, double eps) {
        return run(x, "rms_norm", tensor(x), tensor(weight), IValue.from(eps))[0];
    }

    /** The residual stream {@code x + y} and its RMSNorm. */
    NDArray[] addRmsNorm(NDArray x, NDArray y, NDArray weight, double eps) {
        return run(x, "add_rms_norm", tensor(x), tensor(y), tensor(weight), IValue.from(eps));
    }

    /** SwiGLU, silu(gate) * up, of the stacked [gate | up] projection [rows, 2 * intermediate]. */
    NDArray swiglu(NDArray gateUp) {
        return run(gateUp, "swiglu", tensor(gateUp))[0];
    }

    /**
     * Runs a method of the module and closes its arguments; returns its tensor (or a returned tuple's tensors),
     * registered in the current scope and attached to {@code like}'s manager.
     */
    private NDArray[] run(NDArray like, String method, IValue... args) {
        // Per thread in libtorch: the profiling executor would re-specialize the graph for every new memory length.
        JniUtils.setGraphExecutorOptimize(false);
        IValue result;
        try {
            result = IValueUtils.runMethod(module, method, args);
        } finally {
            for (IValue a : args) a.close();
        }
        PtNDManager manager = (PtNDManager) like.getManager();
        try {
            if (!result.isTuple()) return new NDArray[] {result.toTensor(manager)};
            IValue[] parts = result.toIValueTuple();
            try {
                NDArray[] out = new NDArray[parts.length];
                for (int i = 0; i < parts.length; i++) out[i] = parts[i].toTensor(manager);
                return out;
            } finally {
                for (IValue part : parts) part.close();
            }
        } finally {
            result.close();
        }
    }

    private static IValue tensor(NDArray a) {
        return IValue.from((PtNDArray) a);
    }

    private static IValue tensors(List<NDArray> arrays) {
        return IValue.listFrom(arrays.stream().map(PtNDArray.class::cast).toArray(PtNDArray[]::new));
    }

    /** The zip that {@code torch.jit.load} reads: the module's pickled object, its code, constants and version. */
    private static byte[] archive(String code) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            entry(zip, "archive/data.pkl", moduleObject());
            entry(zip, "archive/code/__torch__.py", code.getBytes(StandardCharsets.UTF_8));
            entry(zip, "archive/constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'}); // an empty tuple
            entry(zip, "archive/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        }
        return bytes.toByteArray();
    }

    /** Pickle (protocol 2) of a {@code __torch__.Module} whose only attribute is {@code training = False}. */
    private static byte[] moduleObject() {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(0x80); // PROTO 2
        p.write(2);
        p.writeBytes("c__torch__\nModule\n".getBytes(StandardCharsets.US_ASCII)); // GLOBAL class
        p.write(')'); // EMPTY_TUPLE
        p.write(0x81); // NEWOBJ
        p.write('}'); // EMPTY_DICT: the attributes
        p.write('('); // MARK
        byte[] name = "training".getBytes(StandardCharsets.US_ASCII);
        p.write('X'); // BINUNICODE, 4-byte little-endian length
        p.writeBytes(new byte[] {(byte) name.length, 0, 0, 0});
        p.writeBytes(name);
        p.write(0x89); // NEWFALSE
        p.write('u'); // SETITEMS
        p.write('b'); // BUILD
        p.write('.'); // STOP
        return p.toByteArray();
    }

    private static void entry(ZipOutputStream zip, String name, byte[] content) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(content);
        zip.closeEntry();
    }

    private static String source() throws IOException {
        try (InputStream in = LayerKernels.class.getResourceAsStream(SOURCE)) {
            if (in == null) throw new IllegalStateException(SOURCE + " is missing from the classpath");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() {
        module.close();
    }
}
