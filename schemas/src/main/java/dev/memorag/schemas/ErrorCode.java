package dev.memorag.schemas;

/** Every error a stage reports to a caller or the dead-letter topic. */
public enum ErrorCode {
    /** The bytes are not JSON (or not UTF-8). */
    MALFORMED_JSON,
    /** The JSON does not match the record's schema. */
    SCHEMA_VIOLATION,
    /** The text is larger than the configured limit. */
    TOO_LARGE,
    /** The record key differs from the corpus named in the value. */
    KEY_MISMATCH,
    /** The corpus is not registered. */
    UNKNOWN_CORPUS,
    /** A question without a usable reply-to header. */
    MISSING_REPLY_TO,
    /** The answer did not arrive in time. */
    TIMEOUT,
    /** Authentication failed or the token belongs to another corpus. */
    UNAUTHORIZED,
    /** Too many requests for a corpus. */
    RATE_LIMITED,
    /** The corpus has no passages yet. */
    EMPTY_CORPUS,
    /** Anything else; the message says what. */
    INTERNAL
}
