package dev.memorag.worker.model;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/** Writes FP32 data as a safetensors file in F32 or BF16, streamed chunk by chunk (test checkpoints, tools). */
public final class SafetensorsWriter {
    /** Elements converted and written at a time, so a multi-GB tensor never sits on the heap. */
    private static final int CHUNK = 1 << 20;

    /** Produces a tensor's elements in row-major order, {@code count} at a time starting at element {@code offset}. */
    public interface Source {
        void fill(WeightLayout.Spec tensor, long offset, float[] into, int count);
    }

    private SafetensorsWriter() {}

    /** Writes tensors of the given names and shapes with elements from {@code source}, in order; returns the data bytes. */
    public static long write(Path file, List<WeightLayout.Spec> tensors, TensorDType dtype, Source source)
            throws IOException {
        if (dtype == TensorDType.F16) throw new IllegalArgumentException("writer supports F32 and BF16");
        JsonObject header = new JsonObject();
        JsonObject meta = new JsonObject();
        meta.addProperty("format", "pt");
        header.add("__metadata__", meta);
        long offset = 0;
        for (WeightLayout.Spec t : tensors) {
            JsonObject o = new JsonObject();
            o.addProperty("dtype", dtype.name());
            JsonArray shape = new JsonArray();
            for (long d : t.shape()) shape.add(d);
            o.add("shape", shape);
            JsonArray offs = new JsonArray();
            offs.add(offset);
            offset += elements(t) * dtype.bytes();
            offs.add(offset);
            o.add("data_offsets", offs);
            header.add(t.name(), o);
        }
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7)
                / 8
                * 8; // data starts 8-byte aligned, padded with spaces as the reference writer does
        try (FileChannel out = FileChannel.open(
                file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ByteBuffer head = ByteBuffer.allocate(8 + padded)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .putLong(padded)
                    .put(json);
            while (head.hasRemaining()) head.put((byte) ' ');
            writeFully(out, head.flip());
            float[] values = new float[CHUNK];
            ByteBuffer bytes = ByteBuffer.allocate(CHUNK * dtype.bytes()).order(ByteOrder.LITTLE_ENDIAN);
            for (WeightLayout.Spec t : tensors) {
                long n = elements(t);
                for (long from = 0; from < n; from += CHUNK) {
                    int count = (int) Math.min(CHUNK, n - from);
                    source.fill(t, from, values, count);
                    bytes.clear();
                    for (int i = 0; i < count; i++) {
                        if (dtype == TensorDType.F32) bytes.putFloat(values[i]);
                        else bytes.putShort(TensorDType.floatToBf16(values[i]));
                    }
                    writeFully(out, bytes.flip());
                }
            }
        }
        return offset;
    }

    private static long elements(WeightLayout.Spec t) {
        long n = 1;
        for (long d : t.shape()) n *= d;
        return n;
    }

    private static void writeFully(FileChannel out, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) out.write(b);
    }
}
