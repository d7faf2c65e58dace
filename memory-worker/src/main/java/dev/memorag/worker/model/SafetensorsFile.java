package dev.memorag.worker.model;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One memory-mapped safetensors file: an 8-byte little-endian header length, a JSON header, then raw
 * tensor bytes. Tensors are mapped one at a time on demand, so a multi-GB shard never sits on the heap
 * (and a single mapping stays under the 2 GiB MappedByteBuffer limit).
 */
public final class SafetensorsFile implements AutoCloseable {
    /** Header entry of one tensor; begin/end are absolute file offsets. */
    public record TensorInfo(String name, TensorDType dtype, long[] shape, long begin, long end) {
        public long elementCount() {
            long n = 1;
            for (long d : shape) n *= d;
            return n;
        }
    }

    private static final long MAX_HEADER = 100L << 20;

    private final Path path;
    private final FileChannel channel;
    private final Map<String, TensorInfo> tensors;

    private SafetensorsFile(Path path, FileChannel channel, Map<String, TensorInfo> tensors) {
        this.path = path;
        this.channel = channel;
        this.tensors = tensors;
    }

    public static SafetensorsFile open(Path path) {
        FileChannel channel;
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new ModelLoadException("cannot open safetensors file " + path + ": " + e.getMessage(), e);
        }
        try {
            return new SafetensorsFile(path, channel, readHeader(path, channel));
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    private static Map<String, TensorInfo> readHeader(Path path, FileChannel channel) {
        try {
            long size = channel.size();
            if (size < 8)
                throw new ModelLoadException("corrupt safetensors file " + path + ": " + size
                        + " bytes, shorter than the 8-byte header length");
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            channel.read(lenBuf, 0);
            long headerLen = lenBuf.flip().getLong();
            if (headerLen <= 0 || headerLen > MAX_HEADER || 8 + headerLen > size) {
                throw new ModelLoadException("corrupt or truncated safetensors header in " + path + ": header length "
                        + headerLen + ", file size " + size);
            }
            ByteBuffer header = channel.map(FileChannel.MapMode.READ_ONLY, 8, headerLen);
            byte[] json = new byte[(int) headerLen];
            header.get(json);
            JsonObject root;
            try {
                root = JsonParser.parseString(new String(json, StandardCharsets.UTF_8))
                        .getAsJsonObject();
            } catch (RuntimeException e) {
                throw new ModelLoadException(
                        "corrupt safetensors header in " + path + ": not a JSON object (" + e.getMessage() + ")", e);
            }
            long dataStart = 8 + headerLen;
            Map<String, TensorInfo> out = new LinkedHashMap<>();
            for (Map.Entry<String, JsonElement> e : root.entrySet()) {
                if (e.getKey().equals("__metadata__")) continue;
                out.put(e.getKey(), parseEntry(path, e.getKey(), e.getValue(), dataStart, size));
            }
            return out;
        } catch (IOException e) {
            throw new ModelLoadException("cannot read safetensors file " + path + ": " + e.getMessage(), e);
        }
    }

    private static TensorInfo parseEntry(Path path, String name, JsonElement value, long dataStart, long size) {
        try {
            JsonObject o = value.getAsJsonObject();
            String dtypeName = o.get("dtype").getAsString();
            TensorDType dtype = TensorDType.parse(dtypeName);
            if (dtype == null)
                throw new ModelLoadException("unsupported dtype " + dtypeName + " of tensor '" + name + "' in " + path
                        + " (supported: F32, F16, BF16)");
            long[] shape = new long[o.getAsJsonArray("shape").size()];
            for (int i = 0; i < shape.length; i++)
                shape[i] = o.getAsJsonArray("shape").get(i).getAsLong();
            long begin = o.getAsJsonArray("data_offsets").get(0).getAsLong() + dataStart;
            long end = o.getAsJsonArray("data_offsets").get(1).getAsLong() + dataStart;
            TensorInfo info = new TensorInfo(name, dtype, shape, begin, end);
            if (end - begin != info.elementCount() * dtype.bytes() || begin < dataStart) {
                throw new ModelLoadException("corrupt safetensors header in " + path + ": tensor '" + name
                        + "' offsets do not match shape " + Arrays.toString(shape));
            }
            if (end > size) {
                throw new ModelLoadException("truncated safetensors file " + path + ": tensor '" + name
                        + "' ends at byte " + end + " but the file has " + size);
            }
            return info;
        } catch (ModelLoadException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ModelLoadException(
                    "corrupt safetensors header in " + path + ": bad entry for tensor '" + name + "'", e);
        }
    }

    public Path path() {
        return path;
    }

    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    /**
     * Reads rows [fromRow, toRow) of the named tensor (first dimension) as FP32 into a new direct
     * buffer in native byte order, ready for NDManager.create.
     */
    public FloatBuffer readRows(String name, long fromRow, long toRow) {
        TensorInfo info = tensors.get(name);
        if (info == null) throw new ModelLoadException("tensor '" + name + "' not in " + path);
        long rowElems = info.shape().length == 0 ? 1 : info.elementCount() / Math.max(1, info.shape()[0]);
        long count = (toRow - fromRow) * rowElems;
        long offset = info.begin() + fromRow * rowElems * info.dtype().bytes();
        try {
            ByteBuffer src = channel.map(
                            FileChannel.MapMode.READ_ONLY,
                            offset,
                            count * info.dtype().bytes())
                    .order(ByteOrder.LITTLE_ENDIAN);
            // On the heap, not direct: direct garbage is only collected when the direct-memory limit is reached, and
            // while loading a multi-GB checkpoint that would hold gigabytes of spent buffers resident.
            FloatBuffer dst = FloatBuffer.allocate(Math.toIntExact(count));
            info.dtype().toFloats(src, dst, (int) count);
            return dst.flip();
        } catch (IOException e) {
            throw new ModelLoadException("cannot read tensor '" + name + "' from " + path + ": " + e.getMessage(), e);
        }
    }

    /** The whole tensor as FP32 (small tensors and tests). */
    public FloatBuffer read(String name) {
        TensorInfo info = tensors.get(name);
        if (info == null) throw new ModelLoadException("tensor '" + name + "' not in " + path);
        return readRows(name, 0, info.shape().length == 0 ? 1 : info.shape()[0]);
    }

    @Override
    public void close() {
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // read-only channel: nothing to flush
        }
    }
}
