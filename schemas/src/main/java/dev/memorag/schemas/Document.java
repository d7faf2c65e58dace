package dev.memorag.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/** A document as producers send it to {@code memorag.documents.in}; mirrors document.schema.json. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Document(
        int schemaVersion, String corpus, String id, Op op, String text, String title, Map<String, String> metadata) {

    public static Document upsert(String corpus, String id, String text) {
        return new Document(1, corpus, id, Op.UPSERT, text, null, null);
    }

    public static Document delete(String corpus, String id) {
        return new Document(1, corpus, id, Op.DELETE, null, null, null);
    }
}
