package dev.memorag.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/** A document accepted by admission, on {@code memorag.documents}; mirrors admitted-document.schema.json. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AdmittedDocument(
        int schemaVersion,
        String corpus,
        String id,
        Op op,
        String text,
        String title,
        Map<String, String> metadata,
        long version,
        String sha256,
        long admittedAt) {

    public static AdmittedDocument of(Document doc, long version, String sha256, long admittedAt) {
        return new AdmittedDocument(
                1,
                doc.corpus(),
                doc.id(),
                doc.op(),
                doc.text(),
                doc.title(),
                doc.metadata(),
                version,
                sha256,
                admittedAt);
    }
}
