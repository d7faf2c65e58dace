package dev.memorag.schemas;

/** Every error a stage reports to a caller or the dead-letter topic, with the HTTP status an edge answers it with. */
public enum ErrorCode {
    /** The bytes are not JSON (or not UTF-8). */
    MALFORMED_JSON(400),
    /** The JSON does not match the record's schema. */
    SCHEMA_VIOLATION(400),
    /** The text is larger than the configured limit. */
    TOO_LARGE(413),
    /** The record key differs from the corpus named in the value. */
    KEY_MISMATCH(400),
    /** The corpus is not registered. */
    UNKNOWN_CORPUS(404),
    /** A corpus with this id exists already. */
    CORPUS_EXISTS(409),
    /** No such document in the corpus. */
    UNKNOWN_DOCUMENT(404),
    /** No route answers this path. */
    NOT_FOUND(404),
    /** The route exists, but not for this method. */
    METHOD_NOT_ALLOWED(405),
    /** An upload whose format cannot be turned into text. */
    UNSUPPORTED_MEDIA_TYPE(415),
    /** A question without a usable reply-to header. */
    MISSING_REPLY_TO(400),
    /** A reply-to naming an internal topic, a topic that does not exist, or one outside MEMORAG_REPLY_TOPICS. */
    REPLY_TO_REFUSED(400),
    /** A question id already answered or in flight for the same corpus. */
    DUPLICATE(409),
    /** A record valid by its schema that makes no sense where it arrived (an impossible index, a foreign key…). */
    INCONSISTENT(422),
    /** The answer did not arrive in time. */
    TIMEOUT(504),
    /** No token, or a token that is not valid. */
    UNAUTHORIZED(401),
    /** A valid token of another corpus. */
    FORBIDDEN(403),
    /** Too many requests for a corpus. */
    RATE_LIMITED(429),
    /** The corpus has no passages yet. */
    EMPTY_CORPUS(404),
    /** The asker went away (socket closed) and the worker stopped answering. */
    CANCELLED(499),
    /** The worker that now owns the corpus is rebuilding it from the chunks topic; retry shortly. */
    REBUILDING(503),
    /** The corpus's memory cannot be used here: written by another model, or damaged on disk. */
    MEMORY_UNUSABLE(500),
    /** A dependency (Kafka, state stores) is not ready; retry later. */
    UNAVAILABLE(503),
    /** Anything else; the message says what. */
    INTERNAL(500);

    private final int httpStatus;

    ErrorCode(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
