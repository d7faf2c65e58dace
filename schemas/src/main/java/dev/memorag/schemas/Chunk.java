package dev.memorag.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One passage of a document version with its embedding, on {@code memorag.chunks}; mirrors chunk.schema.json.
 * {@code count} is the number of chunks of this document version, so a consumer knows when it has them all.
 * {@code start}/{@code end} place the passage in its document's text ({@code text} equals that substring); both are
 * null on chunks from producers that predate them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Chunk(
        int schemaVersion,
        String corpus,
        String doc,
        long version,
        int index,
        int count,
        Op op,
        String text,
        Integer tokenCount,
        float[] vector,
        Integer start,
        Integer end) {

    public Chunk {
        Answer.Span.check(start, end);
        if (start != null && text != null && end - start != text.length()) {
            throw new IllegalArgumentException("start " + start + " and end " + end + " do not span the text's "
                    + text.length() + " characters: text must equal the document's text from start to end");
        }
    }

    /** A passage without its position in the document, as producers before offsets wrote it. */
    public static Chunk upsert(
            String corpus,
            String doc,
            long version,
            int index,
            int count,
            String text,
            int tokenCount,
            float[] vector) {
        return new Chunk(1, corpus, doc, version, index, count, Op.UPSERT, text, tokenCount, vector, null, null);
    }

    /** A passage at {@code documentText.substring(start, end)}. */
    public static Chunk upsert(
            String corpus,
            String doc,
            long version,
            int index,
            int count,
            String text,
            int tokenCount,
            float[] vector,
            int start,
            int end) {
        return new Chunk(1, corpus, doc, version, index, count, Op.UPSERT, text, tokenCount, vector, start, end);
    }

    public static Chunk delete(String corpus, String doc, long version) {
        return new Chunk(1, corpus, doc, version, 0, 0, Op.DELETE, null, null, null, null, null);
    }
}
