package dev.memorag.worker.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A passage as the worker keeps it: where it sits in its document ({@code index} of {@code count}; {@code start} and
 * {@code end}, its offsets in the document's text, null when its chunk had none) and in the corpus stream
 * ({@code seq}, the order chunks were applied in), its text and its retriever vector.
 */
public record StoredChunk(
        String doc,
        long version,
        int index,
        int count,
        long seq,
        int tokenCount,
        String text,
        float[] vector,
        Integer start,
        Integer end) {
    /**
     * Rows start with this byte since they hold offsets. Older rows start with the document version's high byte,
     * which is 0 for any version below 2^56, so both layouts stay readable.
     */
    private static final byte WITH_OFFSETS = 1;

    private static final int NO_OFFSET = -1;

    /** A passage whose place in its document is unknown. */
    public StoredChunk(
            String doc, long version, int index, int count, long seq, int tokenCount, String text, float[] vector) {
        this(doc, version, index, count, seq, tokenCount, text, vector, null, null);
    }

    /** Whether this is the last passage of its document version. */
    public boolean last() {
        return index == count - 1;
    }

    byte[] encodeValue() {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(1 + 8 + 4 + 8 + 4 + 4 + 4 + 4 + 4 * vector.length + utf8.length);
        buf.put(WITH_OFFSETS)
                .putLong(version)
                .putInt(count)
                .putLong(seq)
                .putInt(tokenCount)
                .putInt(start == null ? NO_OFFSET : start)
                .putInt(end == null ? NO_OFFSET : end)
                .putInt(vector.length);
        for (float v : vector) {
            buf.putFloat(v);
        }
        return buf.put(utf8).array();
    }

    static StoredChunk decode(String doc, int index, byte[] value) {
        ByteBuffer buf = ByteBuffer.wrap(value);
        boolean withOffsets = value[0] == WITH_OFFSETS;
        if (withOffsets) {
            buf.get();
        }
        long version = buf.getLong();
        int count = buf.getInt();
        long seq = buf.getLong();
        int tokenCount = buf.getInt();
        Integer start = null;
        Integer end = null;
        if (withOffsets) {
            int s = buf.getInt();
            int e = buf.getInt();
            start = s == NO_OFFSET ? null : s;
            end = e == NO_OFFSET ? null : e;
        }
        float[] vector = new float[buf.getInt()];
        for (int i = 0; i < vector.length; i++) {
            vector[i] = buf.getFloat();
        }
        String text = new String(value, buf.position(), buf.remaining(), StandardCharsets.UTF_8);
        return new StoredChunk(doc, version, index, count, seq, tokenCount, text, vector, start, end);
    }
}
