package dev.memorag.ingest.admission;

/** Admission limits. */
public record AdmissionConfig(int maxTextChars) {
    public static final int DEFAULT_MAX_TEXT_CHARS = 8 * 1024 * 1024;

    public static AdmissionConfig defaults() {
        return new AdmissionConfig(DEFAULT_MAX_TEXT_CHARS);
    }
}
