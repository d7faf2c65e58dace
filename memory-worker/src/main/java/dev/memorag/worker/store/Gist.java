package dev.memorag.worker.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * One summary in a corpus's gist memory. A group gist summarizes the passages at stream positions {@code seqs}
 * (about a group's worth of tokens, {@code firstSeq} its identity even after that passage is removed); a fold
 * summarizes the gists of every group in {@code [firstSeq, lastSeq]} and has no seqs of its own.
 *
 * @param chunkTokens the retriever tokens of the passages it covers
 */
public record Gist(long firstSeq, long lastSeq, long[] seqs, long chunkTokens, String text) {

    byte[] encode() {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(8 + 8 + 4 + 8 * seqs.length + 4 + utf8.length);
        buf.putLong(lastSeq).putLong(chunkTokens).putInt(seqs.length);
        for (long seq : seqs) {
            buf.putLong(seq);
        }
        return buf.putInt(utf8.length).put(utf8).array();
    }

    static Gist decode(long firstSeq, byte[] value) {
        ByteBuffer buf = ByteBuffer.wrap(value);
        long lastSeq = buf.getLong();
        long chunkTokens = buf.getLong();
        long[] seqs = new long[buf.getInt()];
        for (int i = 0; i < seqs.length; i++) {
            seqs[i] = buf.getLong();
        }
        byte[] utf8 = new byte[buf.getInt()];
        buf.get(utf8);
        return new Gist(firstSeq, lastSeq, seqs, chunkTokens, new String(utf8, StandardCharsets.UTF_8));
    }
}
