package dev.memorag.worker.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * How far a corpus's gist memory has come: the settings that cut and wrote it, the last stream position in a
 * summarized group (later passages are the unfinished group), and the retriever tokens of the grouped passages.
 */
public record GistCursor(String fingerprint, long lastSeq, long chunkTokens) {

    public static GistCursor start(String fingerprint) {
        return new GistCursor(fingerprint, -1, 0);
    }

    byte[] encode() {
        byte[] fp = fingerprint.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + fp.length + 16)
                .putInt(fp.length)
                .put(fp)
                .putLong(lastSeq)
                .putLong(chunkTokens)
                .array();
    }

    static GistCursor decode(byte[] value) {
        ByteBuffer buf = ByteBuffer.wrap(value);
        byte[] fp = new byte[buf.getInt()];
        buf.get(fp);
        return new GistCursor(new String(fp, StandardCharsets.UTF_8), buf.getLong(), buf.getLong());
    }
}
