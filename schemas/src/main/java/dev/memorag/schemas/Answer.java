package dev.memorag.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/** The final answer to a question, on the reply-to topic; mirrors answer.schema.json. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Answer(
        int schemaVersion,
        String questionId,
        String corpus,
        String answer,
        List<String> clues,
        List<Evidence> evidence,
        MemoryWatermark memory,
        String generator,
        Question.Retrieval retrieval,
        Map<String, Long> timings,
        ErrorInfo error) {

    public static Answer failed(String questionId, String corpus, ErrorInfo error) {
        return new Answer(1, questionId, corpus, null, null, null, null, null, null, null, error);
    }

    /**
     * A retrieved passage: document, chunk index within the document, the score of the retrieval that ran (cosine
     * for dense, BM25 for bm25, reciprocal-rank fusion for hybrid) and text; where it lies in
     * its document's text ({@code start}/{@code end}, null for passages stored before offsets existed) and the
     * stretches of that text the answer quoted ({@code highlights}, within the passage; null where none are known).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Evidence(
            String doc, int index, double score, String text, Integer start, Integer end, List<Span> highlights) {

        public Evidence {
            Span.check(start, end);
            if (highlights != null) {
                if (start == null) {
                    throw new IllegalArgumentException("highlights need the passage's start and end");
                }
                for (Span h : highlights) {
                    if (h.start() < start || h.end() > end) {
                        throw new IllegalArgumentException(
                                "highlight " + h + " lies outside the passage [" + start + ", " + end + ")");
                    }
                }
                highlights = List.copyOf(highlights);
            }
        }

        public Evidence withHighlights(List<Span> highlights) {
            return new Evidence(doc, index, score, text, start, end, highlights);
        }
    }

    /** A stretch of a document's text: UTF-16 code unit offsets, {@code end} exclusive. */
    public record Span(int start, int end) {

        public Span {
            check(start, end);
        }

        /** Offsets come in pairs, 0 <= start <= end, or not at all. */
        static void check(Integer start, Integer end) {
            if ((start == null) != (end == null)) {
                throw new IllegalArgumentException("start and end come together, got start " + start + ", end " + end);
            }
            if (start != null && (start < 0 || start > end)) {
                throw new IllegalArgumentException(
                        "offsets need 0 <= start <= end, got start " + start + ", end " + end);
            }
        }
    }

    /**
     * Which memory an answer was made from: the backend, the live documents and chunks it could retrieve from, the
     * model tokens and full windows in the memory, the retriever tokens stored but not yet memorized ({@code lag}),
     * whether the memory still holds text of deleted or replaced documents while it is rebuilt ({@code stale}), and
     * why the memory could not be used, when it could not ({@code problem}: the clues are then the question only).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record MemoryWatermark(
            String backend,
            long documents,
            long chunks,
            long tokens,
            long windows,
            long lag,
            boolean stale,
            String problem) {}
}
