package dev.memorag.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/** The final answer to a question, on the reply-to topic; mirrors answer.schema.json. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Answer(int schemaVersion, String questionId, String corpus, String answer, List<String> clues,
                     List<Evidence> evidence, MemoryWatermark memory, String generator, Question.Retrieval retrieval,
                     Map<String, Long> timings, ErrorInfo error) {

    public static Answer failed(String questionId, String corpus, ErrorInfo error) {
        return new Answer(1, questionId, corpus, null, null, null, null, null, null, null, error);
    }

    /**
     * A retrieved passage: document, chunk index within the document, the score of the retrieval that ran (cosine
     * for dense, BM25 for bm25, reciprocal-rank fusion for hybrid) and text.
     */
    public record Evidence(String doc, int index, double score, String text) {
    }

    /**
     * Which memory an answer was made from: the backend, the live documents and chunks it could retrieve from, the
     * model tokens and full windows in the memory, the retriever tokens stored but not yet memorized ({@code lag}),
     * and whether the memory still holds text of deleted or replaced documents while it is rebuilt ({@code stale}).
     */
    public record MemoryWatermark(String backend, long documents, long chunks, long tokens, long windows, long lag,
                                  boolean stale) {
    }
}
