package dev.memorag.schemas;

import com.fasterxml.jackson.annotation.JsonValue;

/** What a document or chunk record does to its document. */
public enum Op {
    UPSERT,
    DELETE;

    @JsonValue
    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
