package dev.memorag.worker.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A passage as the worker keeps it: where it sits in its document ({@code index} of {@code count}) and in the corpus
 * stream ({@code seq}, the order chunks were applied in), its text and its retriever vector.
 */
public record StoredChunk(String doc, long version, int index, int count, long seq, int tokenCount, String text,
                          float[] vector) {

    /** Whether this is the last passage of its document version. */
    public boolean last() {
        return index == count - 1;
    }

    byte[] encodeValue() {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(8 + 4 + 8 + 4 + 4 + 4 * vector.length + utf8.length);
        buf.putLong(version).putInt(count).putLong(seq).putInt(tokenCount).putInt(vector.length);
        for (float v : vector) {
            buf.putFloat(v);
        }
        return buf.put(utf8).array();
    }

    static StoredChunk decode(String doc, int index, byte[] value) {
        ByteBuffer buf = ByteBuffer.wrap(value);
        long version = buf.getLong();
        int count = buf.getInt();
        long seq = buf.getLong();
        int tokenCount = buf.getInt();
        float[] vector = new float[buf.getInt()];
        for (int i = 0; i < vector.length; i++) {
            vector[i] = buf.getFloat();
        }
        String text = new String(value, buf.position(), buf.remaining(), StandardCharsets.UTF_8);
        return new StoredChunk(doc, version, index, count, seq, tokenCount, text, vector);
    }
}
