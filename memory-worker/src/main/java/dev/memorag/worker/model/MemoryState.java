package dev.memorag.worker.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * A memory in persistable form. Each full window is one byte[]: for every layer, the window's beacon
 * keys (before RoPE) then its beacon values, FP32 little-endian, [window/ratio, kvDim] each. Windows
 * only ever get appended, so a store can write them one by one. The unfinished window is kept as its
 * raw token ids; {@code remainder} is its raw count modulo the ratio (beacons are counted across calls).
 */
public record MemoryState(int window, int ratio, int layers, int kvDim, List<byte[]> windows, int[] pending, int remainder) {

    public MemoryState {
        windows = List.copyOf(windows);
        pending = pending.clone();
        if (pending.length >= window || remainder != pending.length % ratio) {
            throw new IllegalArgumentException("inconsistent memory state: " + pending.length + " pending tokens, remainder " + remainder
                    + ", window " + window + ", ratio " + ratio);
        }
        for (int i = 0; i < windows.size(); i++) {
            if (windows.get(i).length != windowBytes(window, ratio, layers, kvDim)) {
                throw new IllegalArgumentException("memory window " + i + " has " + windows.get(i).length + " bytes, expected "
                        + windowBytes(window, ratio, layers, kvDim));
            }
        }
    }

    public static int windowBytes(int window, int ratio, int layers, int kvDim) {
        return layers * 2 * (window / ratio) * kvDim * Float.BYTES;
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
