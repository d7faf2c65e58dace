package dev.memorag.ingest.gateway;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.memorag.ingest.status.DocumentStatus;
import dev.memorag.schemas.Op;
import dev.memorag.schemas.Progress;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code GET /v1/corpora/:corpus/status} answers: how many documents are at each stage, how far memory has
 * come (the worker's latest report) and how much is still on its way.
 *
 * @param documents live documents (admitted and not deleted)
 * @param stages    documents per stage, deleted and rejected ones included
 * @param pending   admitted versions a worker has not applied yet: the memory lag in documents
 * @param memory    the worker's corpus totals and backend, absent before the first report
 * @param watermark the last document version a worker reported, absent before the first report
 */
record CorpusStatusReport(
        String corpus, long documents, Map<String, Long> stages, long pending, Memory memory, Watermark watermark) {

    /**
     * Live documents, chunks and retriever tokens; model tokens and windows in memory, lag in retriever tokens; why the
     * memory cannot be built right now, if it cannot.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Memory(
            String backend,
            long documents,
            long chunks,
            long tokens,
            long memoryTokens,
            long windows,
            long lag,
            boolean stale,
            String problem) {}

    record Watermark(String doc, long version, long at) {}

    static CorpusStatusReport of(String corpus, List<DocumentStatus> statuses, Progress latest) {
        Map<String, Long> stages = new TreeMap<>();
        long live = 0;
        long pending = 0;
        for (DocumentStatus s : statuses) {
            stages.merge(s.stage().wire(), 1L, Long::sum);
            if (s.op() == Op.UPSERT) {
                live++;
            }
            if (s.stage() == DocumentStatus.Stage.ADMITTED || s.stage() == DocumentStatus.Stage.CHUNKED) {
                pending++;
            }
        }
        return new CorpusStatusReport(
                corpus,
                live,
                stages,
                pending,
                latest == null
                        ? null
                        : new Memory(
                                latest.memoryBackend(),
                                latest.corpusDocuments(),
                                latest.corpusChunks(),
                                latest.corpusTokens(),
                                latest.memoryTokens(),
                                latest.memoryWindows(),
                                latest.memoryLag(),
                                latest.memoryStale(),
                                latest.memoryProblem()),
                latest == null ? null : new Watermark(latest.doc(), latest.version(), latest.at()));
    }
}
