package dev.memorag.worker.model;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes FP32 data as a safetensors file in F32 or BF16 (test checkpoints, tools). */
public final class SafetensorsWriter {
    /** One tensor to write; {@code data} is row-major FP32. */
    public record Tensor(String name, long[] shape, float[] data) {}

    private SafetensorsWriter() {}

    /** Writes the tensors in order; returns the number of data bytes. */
    public static long write(Path file, List<Tensor> tensors, TensorDType dtype) throws IOException {
        if (dtype == TensorDType.F16) throw new IllegalArgumentException("writer supports F32 and BF16");
        JsonObject header = new JsonObject();
        JsonObject meta = new JsonObject();
        meta.addProperty("format", "pt");
        header.add("__metadata__", meta);
        long offset = 0;
        for (Tensor t : tensors) {
            JsonObject o = new JsonObject();
            o.addProperty("dtype", dtype.name());
            JsonArray shape = new JsonArray();
            for (long d : t.shape()) shape.add(d);
            o.add("shape", shape);
            JsonArray offs = new JsonArray();
            offs.add(offset);
            offset += (long) t.data().length * dtype.bytes();
            offs.add(offset);
            o.add("data_offsets", offs);
            header.add(t.name(), o);
        }
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8; // data starts 8-byte aligned, padded with spaces as the reference writer does
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
            out.write(json);
            for (int i = json.length; i < padded; i++) out.write(' ');
            for (Tensor t : tensors) {
                ByteBuffer b = ByteBuffer.allocate(t.data().length * dtype.bytes()).order(ByteOrder.LITTLE_ENDIAN);
                for (float f : t.data()) {
                    if (dtype == TensorDType.F32) b.putFloat(f);
                    else b.putShort(TensorDType.floatToBf16(f));
                }
                out.write(b.array());
            }
        }
        return offset;
    }
}
