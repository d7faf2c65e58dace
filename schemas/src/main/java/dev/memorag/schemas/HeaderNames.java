package dev.memorag.schemas;

/** Kafka header names that are part of the contract. */
public final class HeaderNames {
    /** Topic a question's final {@link Answer} goes to. */
    public static final String REPLY_TO = "reply-to";
    /** Echoed unchanged from a question onto its answer. */
    public static final String CORRELATION_ID = "correlation-id";
    /**
     * On a recall record: the partition of {@code answer-events} the asking query-service instance reads, so that
     * the question's events reach it and no other instance. Absent: events are keyed by question id as usual.
     */
    public static final String REPLY_PARTITION = "reply-partition";
    /** On a recall record: stop answering the question of this id (its asker went away). */
    public static final String CANCEL = "cancel";
    /** On a question from Kafka: {@code Bearer <corpus token>} (or the admin token). Never forwarded. */
    public static final String AUTHORIZATION = "authorization";
    /** On a dead letter: the stage (consumer) that refused the record. */
    public static final String ERROR_STAGE = "error.stage";

    public static final String ERROR_CODE = "error.code";
    public static final String ERROR_MESSAGE = "error.message";
    public static final String SOURCE_TOPIC = "source.topic";
    public static final String SOURCE_PARTITION = "source.partition";
    public static final String SOURCE_OFFSET = "source.offset";

    private HeaderNames() {}
}
