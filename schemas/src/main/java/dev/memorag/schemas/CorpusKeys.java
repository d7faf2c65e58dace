package dev.memorag.schemas;

import java.nio.charset.StandardCharsets;

/**
 * The key rule of corpus-keyed topics: a record keyed by anything but its corpus lands on another partition than the
 * rest of its corpus, so another worker (or status task) would see it out of order. Consumers refuse it.
 */
public final class CorpusKeys {
    private CorpusKeys() {}

    /** Throws {@link ErrorCode#KEY_MISMATCH} unless {@code key} (UTF-8) is {@code corpus}. */
    public static void require(byte[] key, String corpus) {
        require(key == null ? null : new String(key, StandardCharsets.UTF_8), corpus);
    }

    /** Throws {@link ErrorCode#KEY_MISMATCH} unless {@code key} is {@code corpus}. */
    public static void require(String key, String corpus) {
        if (!corpus.equals(key)) {
            throw new InvalidRecordException(
                    ErrorCode.KEY_MISMATCH,
                    "record key "
                            + (key == null ? "null" : "'" + key + "'") + " is not its corpus '" + corpus
                            + "': the topic is keyed by corpus id");
        }
    }
}
