package dev.memorag.ingest.admission;

/** Admission limits. */
public record AdmissionConfig(int maxTextChars) {
    /** Keeps an admitted document under Kafka's default 1 MB record limit; larger texts go in several documents. */
    public static final int DEFAULT_MAX_TEXT_CHARS = 900_000;

    public static AdmissionConfig defaults() {
        return new AdmissionConfig(DEFAULT_MAX_TEXT_CHARS);
    }
}
