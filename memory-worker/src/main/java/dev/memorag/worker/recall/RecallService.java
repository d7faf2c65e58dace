package dev.memorag.worker.recall;

import dev.memorag.embedding.Embedder;
import dev.memorag.schemas.Answer;
import dev.memorag.schemas.AnswerEvent;
import dev.memorag.schemas.ErrorCode;
import dev.memorag.schemas.ErrorInfo;
import dev.memorag.schemas.Question;
import dev.memorag.worker.llm.EndpointException;
import dev.memorag.worker.memory.MemoryProblems;
import dev.memorag.worker.memory.MemoryUnusableException;
import dev.memorag.worker.memory.MemoryWatermarks;
import dev.memorag.worker.memory.QuestionGate;
import dev.memorag.worker.retrieval.RetrievalIndex;
import dev.memorag.worker.retrieval.ScoredChunk;
import dev.memorag.worker.store.CorpusStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Answers one question for a corpus this worker owns: clues → retrieval → generation, emitting clues, evidence,
 * token and done (or error) events as it goes.
 *
 * <p>With a memory backend, clues are recalled from the corpus's memory; without one (memory backend {@code none})
 * the question is the only clue, and every answer's memory watermark says so. A corpus whose memory cannot be built
 * or asked right now (its endpoint is down) is answered with the question as the only clue, and the watermark's
 * problem says why.
 */
public final class RecallService {
    /** Streamed text is sent at most this often. */
    static final long TOKEN_BATCH_MILLIS = 20;

    private final CorpusStore store;
    private final RetrievalIndex retrieval;
    private final Embedder embedder;
    private final ClueGenerator clues;
    private final AnswerGenerator generator;
    private final QuestionGate gate;
    private final MemoryProblems problems;
    private final Cancellations cancellations = new Cancellations();

    /** {@code clues} null: no memory model. */
    public RecallService(
            CorpusStore store,
            RetrievalIndex retrieval,
            Embedder embedder,
            ClueGenerator clues,
            AnswerGenerator generator,
            QuestionGate gate) {
        this(store, retrieval, embedder, clues, generator, gate, new MemoryProblems());
    }

    /** {@code problems}: corpora whose memory cannot be built now, as their memorizer found. */
    public RecallService(
            CorpusStore store,
            RetrievalIndex retrieval,
            Embedder embedder,
            ClueGenerator clues,
            AnswerGenerator generator,
            QuestionGate gate,
            MemoryProblems problems) {
        this.store = store;
        this.retrieval = retrieval;
        this.embedder = embedder;
        this.clues = clues;
        this.generator = generator;
        this.gate = gate;
        this.problems = problems;
    }

    /** No memory model and the extractive generator: what runs without a checkpoint. */
    public static RecallService withoutMemory(CorpusStore store, RetrievalIndex retrieval, Embedder embedder) {
        return new RecallService(
                store, retrieval, embedder, null, new ExtractiveGenerator(embedder, 3), new QuestionGate());
    }

    /** Questions to stop answering; checked between the stages of an answer. */
    public Cancellations cancellations() {
        return cancellations;
    }

    public String memoryBackend() {
        return clues == null ? MemoryWatermarks.NONE : clues.backend();
    }

    public String generatorName() {
        return generator.name();
    }

    public void answer(Question question, AnswerEventSink sink) {
        gate.enter();
        try {
            answerGated(question, sink);
        } finally {
            gate.exit();
        }
    }

    private void answerGated(Question question, AnswerEventSink sink) {
        long start = System.nanoTime();
        Map<String, Long> timings = new LinkedHashMap<>();
        AtomicInteger seq = new AtomicInteger();
        String corpusId = question.corpus();
        if (store.stats(corpusId).chunks() == 0) {
            sink.emit(
                    AnswerEvent.error(
                            question.id(),
                            corpusId,
                            seq.get(),
                            ErrorInfo.of(
                                    ErrorCode.EMPTY_CORPUS,
                                    "corpus '" + corpusId
                                            + "' has no passages yet: ingest documents first, or wait until they are chunked")));
            return;
        }
        String problem = clues == null ? null : problems.of(corpusId).orElse(null);
        List<String> recalled;
        try {
            recalled = clues == null || !question.cluesOrDefault() || problem != null
                    ? List.of(question.question())
                    : clues.clues(question);
        } catch (MemoryUnusableException e) {
            sink.emit(AnswerEvent.error(
                    question.id(), corpusId, seq.get(), ErrorInfo.of(ErrorCode.MEMORY_UNUSABLE, e.getMessage())));
            return;
        } catch (EndpointException e) {
            problem = "the memory endpoint could not write clues: " + e.getMessage();
            recalled = List.of(question.question());
        }
        Answer.MemoryWatermark watermark = MemoryWatermarks.of(
                store, corpusId, memoryBackend(), problem == null ? null : problem + "; the question is the only clue");
        if (recalled.isEmpty()) {
            recalled = List.of(question.question());
        }
        sink.emit(AnswerEvent.clues(question.id(), corpusId, seq.getAndIncrement(), recalled));
        timings.put("cluesMs", millisSince(start));
        if (stopIfCancelled(question, seq.get(), sink)) {
            return;
        }

        float[][] queries = embedder.embed(recalled);
        Question.Retrieval mode = question.retrievalOr(retrieval.settings().mode());
        List<ScoredChunk> hits = retrieval.search(corpusId, mode, recalled, queries, question.topKOrDefault());
        List<Answer.Evidence> evidence = hits.stream()
                .map(h -> new Answer.Evidence(
                        h.chunk().doc(),
                        h.chunk().index(),
                        h.score(),
                        h.chunk().text(),
                        h.chunk().start(),
                        h.chunk().end(),
                        null))
                .toList();
        sink.emit(AnswerEvent.evidence(question.id(), corpusId, seq.getAndIncrement(), evidence));
        timings.put("retrievalMs", millisSince(start) - timings.get("cluesMs"));
        if (stopIfCancelled(question, seq.get(), sink)) {
            return;
        }

        TokenBatcher tokens = new TokenBatcher(
                TOKEN_BATCH_MILLIS,
                text -> sink.emit(AnswerEvent.token(question.id(), corpusId, seq.getAndIncrement(), text)));
        AnswerGenerator.Generated generated = generator.answer(
                new AnswerGenerator.Request(
                        question,
                        recalled,
                        queries[0],
                        evidence.stream().map(Answer.Evidence::text).toList()),
                tokens);
        tokens.finish();
        timings.put("totalMs", millisSince(start));

        Answer answer = new Answer(
                1,
                question.id(),
                corpusId,
                generated.text(),
                recalled,
                Highlights.mark(evidence, generated.quoted()),
                watermark,
                generator.name(),
                mode,
                timings,
                null);
        sink.emit(AnswerEvent.done(seq.get(), answer));
    }

    private boolean stopIfCancelled(Question question, int seq, AnswerEventSink sink) {
        if (!cancellations.isCancelled(question.id())) {
            return false;
        }
        sink.emit(AnswerEvent.error(
                question.id(),
                question.corpus(),
                seq,
                ErrorInfo.of(ErrorCode.CANCELLED, "the asker went away; answering stopped")));
        return true;
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
