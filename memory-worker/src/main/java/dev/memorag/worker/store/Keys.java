package dev.memorag.worker.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.common.TopicPartition;

/**
 * Key layouts. Names are joined with a 0 byte (ids never contain one) so that a prefix scan over "corpus\0" or
 * "corpus\0doc\0" covers exactly one corpus or document; indexes are big-endian so byte order is numeric order.
 */
final class Keys {
    private Keys() {}

    static byte[] prefix(String... parts) {
        return (String.join("\0", parts) + "\0").getBytes(StandardCharsets.UTF_8);
    }

    static byte[] chunk(String corpus, String doc, int index) {
        byte[] prefix = prefix(corpus, doc);
        return ByteBuffer.allocate(prefix.length + 4).put(prefix).putInt(index).array();
    }

    /** The name parts and trailing index of a chunk key. */
    static String[] chunkNames(byte[] key) {
        return new String(key, 0, key.length - 5, StandardCharsets.UTF_8).split("\0", 2);
    }

    static int chunkIndex(byte[] key) {
        return ByteBuffer.wrap(key, key.length - 4, 4).getInt();
    }

    static byte[] document(String corpus, String doc) {
        return String.join("\0", corpus, doc).getBytes(StandardCharsets.UTF_8);
    }

    static byte[] offset(TopicPartition partition) {
        return ("offset\0" + partition.topic() + "\0" + partition.partition()).getBytes(StandardCharsets.UTF_8);
    }

    static byte[] sequence(String corpus) {
        return ("seq\0" + corpus).getBytes(StandardCharsets.UTF_8);
    }

    static byte[] counts(String corpus) {
        return ("count\0" + corpus).getBytes(StandardCharsets.UTF_8);
    }

    static byte[] cursor(String corpus) {
        return ("mem\0" + corpus).getBytes(StandardCharsets.UTF_8);
    }

    static byte[] staleGeneration(String corpus) {
        return ("stale\0" + corpus).getBytes(StandardCharsets.UTF_8);
    }

    static byte[] gistCursor(String corpus) {
        return ("gist\0" + corpus).getBytes(StandardCharsets.UTF_8);
    }

    /** The gist key spaces of a corpus: group gists, folds and dirty marks, each by first seq big-endian. */
    static byte[] gistPrefix(char space, String corpus) {
        return prefix(String.valueOf(space), corpus);
    }

    static byte[] gist(char space, String corpus, long firstSeq) {
        byte[] prefix = gistPrefix(space, corpus);
        return ByteBuffer.allocate(prefix.length + 8)
                .put(prefix)
                .putLong(firstSeq)
                .array();
    }

    /** Corpus-stream position: corpus, then the sequence number big-endian. */
    static byte[] stream(String corpus, long seq) {
        byte[] prefix = prefix(corpus);
        return ByteBuffer.allocate(prefix.length + 8).put(prefix).putLong(seq).array();
    }

    static long streamSeq(byte[] key) {
        return ByteBuffer.wrap(key, key.length - 8, 8).getLong();
    }

    /** One layer's rows of one memory window: corpus, window, layer (big-endian, so windows scan in order). */
    static byte[] memoryRow(String corpus, int window, int layer) {
        byte[] prefix = prefix(corpus);
        return ByteBuffer.allocate(prefix.length + 8)
                .put(prefix)
                .putInt(window)
                .putInt(layer)
                .array();
    }

    static int memoryWindow(byte[] key) {
        return ByteBuffer.wrap(key, key.length - 8, 4).getInt();
    }

    /** The smallest key greater than every key starting with {@code prefix}. */
    static byte[] end(byte[] prefix) {
        byte[] end = Arrays.copyOf(prefix, prefix.length);
        end[end.length - 1]++; // prefixes end in the 0 separator, so this never overflows
        return end;
    }

    static byte[] longValue(long value) {
        return ByteBuffer.allocate(8).putLong(value).array();
    }

    static long longOf(byte[] value) {
        return ByteBuffer.wrap(value).getLong();
    }
}
