package dev.memorag.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * A worker applied a document version (or its delete) to its store and memory; mirrors progress.schema.json.
 * Carries the corpus totals after it, so a status view needs only the latest report per corpus: live documents,
 * chunks and retriever tokens, and the memory's model tokens, windows, lag (retriever tokens not yet memorized) and
 * staleness, and why the memory cannot be built right now, if it cannot.
 */
public record Progress(
        int schemaVersion,
        String corpus,
        String doc,
        long version,
        Stage stage,
        int chunks,
        long corpusDocuments,
        long corpusChunks,
        long corpusTokens,
        String memoryBackend,
        long memoryTokens,
        long memoryWindows,
        long memoryLag,
        boolean memoryStale,
        long at,
        @JsonInclude(JsonInclude.Include.NON_NULL) String memoryProblem) {

    public enum Stage {
        MEMORIZED,
        DELETED;

        @JsonValue
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
