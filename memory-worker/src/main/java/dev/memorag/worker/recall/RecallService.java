package dev.memorag.worker.recall;

import dev.memorag.embedding.Embedder;
import dev.memorag.schemas.Answer;
import dev.memorag.schemas.AnswerEvent;
import dev.memorag.schemas.ErrorCode;
import dev.memorag.schemas.ErrorInfo;
import dev.memorag.schemas.Question;
import dev.memorag.worker.store.CorpusStats;
import dev.memorag.worker.store.CorpusStore;
import dev.memorag.worker.store.StoredChunk;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Answers one question for a corpus this worker owns: clues → retrieval → generation, emitting clues, evidence,
 * token and done (or error) events as it goes.
 *
 * <p>Memory backend {@code none}: with no memory model configured the only clue is the question itself, and every
 * answer says so in its memory watermark.
 */
public final class RecallService {
    public static final String MEMORY_BACKEND = "none";
    private final CorpusStore store;
    private final Embedder embedder;
    private final DenseRetriever retriever = new DenseRetriever();
    private final ExtractiveGenerator generator;
    private final Cancellations cancellations = new Cancellations();

    public RecallService(CorpusStore store, Embedder embedder) {
        this.store = store;
        this.embedder = embedder;
        this.generator = new ExtractiveGenerator(embedder, 3);
    }

    /** Questions to stop answering; checked between the stages of an answer. */
    public Cancellations cancellations() {
        return cancellations;
    }

    public void answer(Question question, AnswerEventSink sink) {
        long start = System.nanoTime();
        Map<String, Long> timings = new LinkedHashMap<>();
        int[] seq = {0};
        List<StoredChunk> corpus = store.chunks(question.corpus());
        if (corpus.isEmpty()) {
            sink.emit(AnswerEvent.error(question.id(), question.corpus(), seq[0],
                    ErrorInfo.of(ErrorCode.EMPTY_CORPUS, "corpus '" + question.corpus()
                            + "' has no passages yet: ingest documents first, or wait until they are chunked")));
            return;
        }
        List<String> clues = List.of(question.question());
        sink.emit(AnswerEvent.clues(question.id(), question.corpus(), seq[0]++, clues));
        timings.put("cluesMs", millisSince(start));
        if (stopIfCancelled(question, seq[0], sink)) {
            return;
        }

        float[][] queries = embedder.embed(clues);
        List<DenseRetriever.ScoredChunk> hits = retriever.retrieve(corpus, queries, question.topKOrDefault());
        List<Answer.Evidence> evidence = hits.stream()
                .map(h -> new Answer.Evidence(h.chunk().doc(), h.chunk().index(), h.score(), h.chunk().text()))
                .toList();
        sink.emit(AnswerEvent.evidence(question.id(), question.corpus(), seq[0]++, evidence));
        timings.put("retrievalMs", millisSince(start) - timings.get("cluesMs"));
        if (stopIfCancelled(question, seq[0], sink)) {
            return;
        }

        String text = generator.answer(queries[0], evidence.stream().map(Answer.Evidence::text).toList());
        sink.emit(AnswerEvent.token(question.id(), question.corpus(), seq[0]++, text));
        timings.put("totalMs", millisSince(start));

        CorpusStats stats = store.stats(question.corpus());
        Answer answer = new Answer(1, question.id(), question.corpus(), text, clues, evidence,
                new Answer.MemoryWatermark(MEMORY_BACKEND, stats.documents(), stats.chunks(), 0, 0),
                ExtractiveGenerator.NAME, timings, null);
        sink.emit(AnswerEvent.done(seq[0], answer));
    }

    private boolean stopIfCancelled(Question question, int seq, AnswerEventSink sink) {
        if (!cancellations.isCancelled(question.id())) {
            return false;
        }
        sink.emit(AnswerEvent.error(question.id(), question.corpus(), seq,
                ErrorInfo.of(ErrorCode.CANCELLED, "the asker went away; answering stopped")));
        return true;
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
