package dev.memorag.worker.model;

import dev.memorag.worker.model.ComputeDevice.Precision;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * A memory in persistable form. Each full window is one byte[]: for every layer, the window's beacon
 * keys (before RoPE) then its beacon values, [window/ratio, kvDim] each, little-endian in the model's
 * {@code precision} (FP32, or BF16 as the upper halves of FP32 bit patterns). Windows
 * only ever get appended, so a store can write them one by one. The unfinished window is kept as its
 * raw token ids; {@code remainder} is its raw count modulo the ratio (beacons are counted across calls).
 */
public record MemoryState(
        int window,
        int ratio,
        int layers,
        int kvDim,
        Precision precision,
        List<byte[]> windows,
        int[] pending,
        int remainder) {

    public MemoryState {
        windows = List.copyOf(windows);
        pending = pending.clone();
        if (pending.length >= window || remainder != pending.length % ratio) {
            throw new IllegalArgumentException("inconsistent memory state: " + pending.length
                    + " pending tokens, remainder " + remainder + ", window " + window + ", ratio " + ratio);
        }
        for (int i = 0; i < windows.size(); i++) {
            if (windows.get(i).length != windowBytes(window, ratio, layers, kvDim, precision)) {
                throw new IllegalArgumentException("memory window " + i + " has " + windows.get(i).length
                        + " bytes, expected " + windowBytes(window, ratio, layers, kvDim, precision) + " ("
                        + precision.wire() + " rows)");
            }
        }
    }

    public static int windowBytes(int window, int ratio, int layers, int kvDim, Precision precision) {
        return layers * 2 * (window / ratio) * kvDim * precision.rowBytes();
    }

    /**
     * The same memory with rows in {@code target}: BF16 to FP32 is exact, FP32 to BF16 rounds each value to the
     * nearest BF16 (what a BF16 model keeps of the rows it computes).
     */
    public MemoryState withPrecision(Precision target) {
        if (target == precision) return this;
        List<byte[]> converted = new ArrayList<>();
        for (byte[] w : windows) {
            float[] values = decode(w, precision);
            converted.add(encode(values, target));
        }
        return new MemoryState(window, ratio, layers, kvDim, target, converted, pending, remainder);
    }

    /** Row values as stored in {@code precision}. */
    static float[] decode(byte[] bytes, Precision precision) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[bytes.length / precision.rowBytes()];
        for (int i = 0; i < out.length; i++) {
            out[i] = precision == Precision.BF16 ? Float.intBitsToFloat((b.getShort() & 0xFFFF) << 16) : b.getFloat();
        }
        return out;
    }

    /** Row values in {@code precision}'s bytes (FP32 to BF16 rounds to nearest even). */
    static byte[] encode(float[] values, Precision precision) {
        ByteBuffer b = ByteBuffer.allocate(values.length * precision.rowBytes()).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : values) {
            if (precision == Precision.BF16) b.putShort(TensorDType.floatToBf16(f));
            else b.putFloat(f);
        }
        return b.array();
    }

    /** Raw tokens this memory has consumed. */
    public long tokenCount() {
        return (long) windows.size() * window + pending.length;
    }

    /** The unfinished window's token ids as bytes (int32 little-endian), for storage next to the windows. */
    public byte[] pendingBytes() {
        ByteBuffer b = ByteBuffer.allocate(pending.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int t : pending) b.putInt(t);
        return b.array();
    }

    public static int[] pendingFromBytes(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int[] out = new int[bytes.length / 4];
        for (int i = 0; i < out.length; i++) out[i] = b.getInt();
        return out;
    }
}
