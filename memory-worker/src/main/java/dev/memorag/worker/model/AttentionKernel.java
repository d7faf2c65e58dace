package dev.memorag.worker.model;

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
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Attention as one native call: a TorchScript module ({@code attention_kernel.py}) that runs libtorch's fused CPU
 * flash-attention kernel per K/V segment and joins the segments by their log-sum-exp. DJL 0.36's NDArray API has no
 * fused attention; through it a decode step's attention was a dozen ops per layer and a window's attention over a long
 * memory materialized score tensors chunk by chunk. The module is written here as the archive {@code torch.jit.save}
 * produces (its code is TorchScript source, which libtorch compiles when loading), so no Python is involved. Off CPU
 * the same module computes the segments with matmuls and an FP32 softmax in bounded query chunks.
 */
final class AttentionKernel implements AutoCloseable {
    /** How the segments are computed: libtorch's fused CPU kernel, or matmuls and softmax (any device). */
    enum Mode {
        FLASH,
        MATH
    }

    private static final String SOURCE = "attention_kernel.py";

    private final PtSymbolBlock module;
    private volatile Mode mode;

    private AttentionKernel(PtSymbolBlock module, Mode mode) {
        this.module = module;
        this.mode = mode;
    }

    /** Compiles the module on {@code manager}'s device; flash on CPU, math elsewhere. */
    static AttentionKernel load(NDManager manager) {
        try (InputStream archive = new ByteArrayInputStream(archive(source()))) {
            PtSymbolBlock module = JniUtils.loadModule((PtNDManager) manager, archive, false, false);
            return new AttentionKernel(module, manager.getDevice().isGpu() ? Mode.MATH : Mode.FLASH);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Forces a mode (tests compare both on CPU). */
    void mode(Mode mode) {
        this.mode = mode;
    }

    /**
     * Attention of {@code q} [slots, heads, headDim] over K/V row segments (each [rows, kvHeads, headDim], the last
     * one the new slots, causal among them) with scores scaled by {@code scale}; returns [slots, heads * headDim],
     * registered in the current scope and attached to q's manager. {@code scoreElements} bounds the scores the math
     * mode holds at once.
     */
    NDArray attend(NDArray q, List<NDArray> keys, List<NDArray> values, double scale, long scoreElements) {
        // Per thread in libtorch: the profiling executor would re-specialize the graph for every new memory length.
        JniUtils.setGraphExecutorOptimize(false);
        List<IValue> args = new ArrayList<>(6);
        try {
            args.add(IValue.from((PtNDArray) q));
            args.add(IValue.listFrom(keys.stream().map(PtNDArray.class::cast).toArray(PtNDArray[]::new)));
            args.add(IValue.listFrom(values.stream().map(PtNDArray.class::cast).toArray(PtNDArray[]::new)));
            args.add(IValue.from(scale));
            args.add(IValue.from(mode == Mode.FLASH));
            args.add(IValue.from(scoreElements));
            try (IValue out = IValueUtils.runMethod(module, "attend", args.toArray(IValue[]::new))) {
                return out.toTensor((PtNDManager) q.getManager());
            }
        } finally {
            args.forEach(IValue::close);
        }
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
        try (InputStream in = AttentionKernel.class.getResourceAsStream(SOURCE)) {
            if (in == null) throw new IllegalStateException(SOURCE + " is missing from the classpath");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() {
        module.close();
    }
}
