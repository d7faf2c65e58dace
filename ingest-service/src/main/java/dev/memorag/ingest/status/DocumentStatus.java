package dev.memorag.ingest.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.memorag.schemas.ErrorInfo;
import dev.memorag.schemas.Op;
import java.util.Locale;

/**
 * Where one document is on its way into memory. {@code version}, {@code op} and {@code stage} describe the latest
 * admitted version; {@code lastRejection} the latest attempt that was refused (a rejected re-send never hides the
 * version already accepted). {@code chars} is the admitted version's text length (0 for a delete, and for statuses
 * stored before the field existed).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DocumentStatus(
        String corpus,
        String doc,
        long version,
        Op op,
        Stage stage,
        int chunks,
        ErrorInfo lastRejection,
        long updatedAt,
        long chars) {

    public enum Stage {
        /** Refused before any version was admitted; {@code lastRejection} says why. */
        REJECTED,
        ADMITTED,
        /** Its chunks (or its delete marker) are on the chunks topic. */
        CHUNKED,
        /** A worker applied it to its store and memory. */
        MEMORIZED,
        /** A worker applied its delete. */
        DELETED;

        @JsonValue
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Whether the document has gone as far as it will. */
        public boolean settled() {
            return this == REJECTED || this == MEMORIZED || this == DELETED;
        }
    }

    public static DocumentStatus rejected(String corpus, String doc, ErrorInfo reason, long now) {
        return new DocumentStatus(corpus, doc, 0, null, Stage.REJECTED, 0, reason, now, 0);
    }

    public static DocumentStatus admitted(String corpus, String doc, long version, Op op, long chars, long now) {
        return new DocumentStatus(corpus, doc, version, op, Stage.ADMITTED, 0, null, now, chars);
    }

    public DocumentStatus withRejection(ErrorInfo reason, long now) {
        return new DocumentStatus(corpus, doc, version, op, stage, chunks, reason, now, chars);
    }

    /** Moves the current version to {@code next}; reports about older versions change nothing. */
    public DocumentStatus advance(long reportedVersion, Stage next, int chunkCount, long now) {
        if (reportedVersion != version || next.ordinal() <= stage.ordinal()) {
            return this;
        }
        return new DocumentStatus(corpus, doc, version, op, next, chunkCount, lastRejection, now, chars);
    }
}
