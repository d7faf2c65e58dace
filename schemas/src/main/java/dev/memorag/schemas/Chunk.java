package dev.memorag.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One passage of a document version with its embedding, on {@code memorag.chunks}; mirrors chunk.schema.json.
 * {@code count} is the number of chunks of this document version, so a consumer knows when it has them all.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Chunk(int schemaVersion, String corpus, String doc, long version, int index, int count, Op op,
                    String text, Integer tokenCount, float[] vector) {

    public static Chunk upsert(String corpus, String doc, long version, int index, int count, String text,
                               int tokenCount, float[] vector) {
        return new Chunk(1, corpus, doc, version, index, count, Op.UPSERT, text, tokenCount, vector);
    }

    public static Chunk delete(String corpus, String doc, long version) {
        return new Chunk(1, corpus, doc, version, 0, 0, Op.DELETE, null, null, null);
    }
}
