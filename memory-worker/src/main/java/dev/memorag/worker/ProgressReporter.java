package dev.memorag.worker;

import dev.memorag.schemas.Answer;
import dev.memorag.schemas.Chunk;
import dev.memorag.schemas.Json;
import dev.memorag.schemas.Op;
import dev.memorag.schemas.Progress;
import dev.memorag.schemas.TopicCatalog;
import dev.memorag.worker.memory.Memorizer;
import dev.memorag.worker.memory.MemoryProblems;
import dev.memorag.worker.memory.MemoryWatermarks;
import dev.memorag.worker.store.CorpusStore;
import dev.memorag.worker.store.MemoryCursor;
import dev.memorag.worker.store.StoredChunk;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Tells the status table which document versions are now in the store and memory, with the corpus totals. Reports
 * are sent after the write they describe, so one may repeat after a crash but never runs ahead of the data; repeats
 * are idempotent downstream. Without a beacon model a stored document counts as memorized (a gist memory holds the
 * unfinished group verbatim); with one, the memorizer reports it once its last passage is in the memory.
 */
final class ProgressReporter implements Memorizer.Listener {
    private final KafkaProducer<String, byte[]> producer;
    private final TopicCatalog topics;
    private final CorpusStore store;
    private final String backend;
    private final MemoryProblems problems;
    /** Whether the memorizer reports documents memorized; else a stored document is in the memory already. */
    private final boolean beacon;

    ProgressReporter(
            KafkaProducer<String, byte[]> producer,
            TopicCatalog topics,
            CorpusStore store,
            String backend,
            MemoryProblems problems) {
        this.producer = producer;
        this.topics = topics;
        this.store = store;
        this.backend = backend;
        this.problems = problems;
        this.beacon = backend.equals(MemoryWatermarks.BEACON);
    }

    /**
     * Reports every document the store and memory hold once more. A crash between a write and its report would
     * otherwise leave the status table behind for good; repeats are harmless.
     */
    void resendAll() {
        for (String corpus : store.corpora()) {
            long memorized = beacon
                    ? store.memoryCursor(corpus).map(MemoryCursor::lastSeq).orElse(-1L)
                    : Long.MAX_VALUE;
            List<StoredChunk> done = store.chunks(corpus).stream()
                    .filter(c -> c.last() && c.seq() <= memorized)
                    .toList();
            if (!done.isEmpty()) {
                memorized(corpus, done);
            }
        }
    }

    /** After a chunk batch is stored: deletes, and (without a memory model) completed documents. */
    void applied(List<Chunk> chunks) {
        Map<String, Answer.MemoryWatermark> totals = new HashMap<>();
        for (Chunk chunk : chunks) {
            boolean delete = chunk.op() == Op.DELETE;
            if (delete || (!beacon && chunk.index() == chunk.count() - 1)) {
                send(
                        chunk.corpus(),
                        chunk.doc(),
                        chunk.version(),
                        delete ? Progress.Stage.DELETED : Progress.Stage.MEMORIZED,
                        delete ? 0 : chunk.count(),
                        totals);
            }
        }
    }

    @Override
    public void memorized(String corpus, List<StoredChunk> completedDocuments) {
        Map<String, Answer.MemoryWatermark> totals = new HashMap<>();
        for (StoredChunk last : completedDocuments) {
            send(corpus, last.doc(), last.version(), Progress.Stage.MEMORIZED, last.count(), totals);
        }
    }

    /**
     * The corpus's memory advanced, broke down or recovered, apart from any document's arrival: its latest document
     * is reported again with the corpus's totals.
     */
    void memoryChanged(String corpus) {
        List<StoredChunk> chunks = store.chunks(corpus);
        chunks.stream()
                .filter(StoredChunk::last)
                .reduce((a, b) -> b)
                .ifPresent(last -> send(
                        corpus, last.doc(), last.version(), Progress.Stage.MEMORIZED, last.count(), new HashMap<>()));
    }

    private void send(
            String corpus,
            String doc,
            long version,
            Progress.Stage stage,
            int chunks,
            Map<String, Answer.MemoryWatermark> totals) {
        Answer.MemoryWatermark w = totals.computeIfAbsent(
                corpus,
                c -> MemoryWatermarks.of(store, c, backend, problems.of(c).orElse(null)));
        Progress progress = new Progress(
                1,
                corpus,
                doc,
                version,
                stage,
                chunks,
                w.documents(),
                w.chunks(),
                store.stats(corpus).tokens(),
                w.backend(),
                w.tokens(),
                w.windows(),
                w.lag(),
                w.stale(),
                System.currentTimeMillis(),
                w.problem());
        producer.send(new ProducerRecord<>(topics.progress(), corpus, Json.write(progress)));
    }
}
