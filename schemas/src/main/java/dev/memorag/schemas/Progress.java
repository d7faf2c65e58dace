package dev.memorag.schemas;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * A worker applied a document version (or its delete) to its store and memory; mirrors progress.schema.json.
 * Carries the corpus totals after it, so a status view needs only the latest report per corpus.
 */
public record Progress(int schemaVersion, String corpus, String doc, long version, Stage stage, int chunks,
                       long corpusDocuments, long corpusChunks, long corpusTokens, String memoryBackend, long at) {

    public enum Stage {
        MEMORIZED, DELETED;

        @JsonValue
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
