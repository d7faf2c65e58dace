package dev.memorag.worker.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * How far a corpus's persisted memory has come: the model that wrote it, the last chunk of the corpus stream in it,
 * the model tokens and full windows it holds, the unfinished window's token ids, the retriever tokens of the
 * memorized chunks (for the lag) and the stale generation its last rebuild covered.
 */
public record MemoryCursor(
        String fingerprint,
        long lastSeq,
        long tokens,
        int windows,
        int[] pending,
        long chunkTokens,
        long rebuiltGeneration) {

    public static MemoryCursor start(String fingerprint, long generation) {
        return new MemoryCursor(fingerprint, -1, 0, 0, new int[0], 0, generation);
    }

    byte[] encode() {
        byte[] fp = fingerprint.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(4 + fp.length + 8 + 8 + 4 + 8 + 8 + 4 + 4 * pending.length);
        buf.putInt(fp.length)
                .put(fp)
                .putLong(lastSeq)
                .putLong(tokens)
                .putInt(windows)
                .putLong(chunkTokens)
                .putLong(rebuiltGeneration)
                .putInt(pending.length);
        for (int id : pending) {
            buf.putInt(id);
        }
        return buf.array();
    }

    static MemoryCursor decode(byte[] value) {
        ByteBuffer buf = ByteBuffer.wrap(value);
        byte[] fp = new byte[buf.getInt()];
        buf.get(fp);
        long lastSeq = buf.getLong();
        long tokens = buf.getLong();
        int windows = buf.getInt();
        long chunkTokens = buf.getLong();
        long generation = buf.getLong();
        int[] pending = new int[buf.getInt()];
        for (int i = 0; i < pending.length; i++) {
            pending[i] = buf.getInt();
        }
        return new MemoryCursor(
                new String(fp, StandardCharsets.UTF_8), lastSeq, tokens, windows, pending, chunkTokens, generation);
    }
}
