package dev.memorag.app.eval;

import dev.memorag.embedding.Embedder;
import dev.memorag.schemas.Question;
import dev.memorag.worker.recall.ExtractiveGenerator;
import dev.memorag.worker.store.CorpusStore;
import dev.memorag.worker.store.StoredChunk;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.util.IOUtils;

/**
 * {@code bm25}: Lucene BM25 over the passages the worker stored for the corpus, top-3, answered by the same
 * extractive generator the worker uses (same sentence count), so only retrieval differs from {@code dense}.
 * Runs in this JVM: its latency has no Kafka or HTTP hop in it.
 */
final class Bm25Mode implements Mode {
    static final String NAME = "bm25";
    /** As the worker's RecallService: three evidence sentences. */
    private static final int SENTENCES = 3;

    private final CorpusStore store;
    private final Embedder embedder;
    private final ExtractiveGenerator generator;
    /** One index per corpus, built on first use from the store's chunks (after ingest, so it sees them all). */
    private final Map<String, Bm25Retriever> indexes = new HashMap<>();

    Bm25Mode(CorpusStore store, Embedder embedder) {
        this.store = store;
        this.embedder = embedder;
        this.generator = new ExtractiveGenerator(embedder, SENTENCES);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Reply ask(EvalExample example) throws IOException {
        Bm25Retriever index = index(example.corpus());
        long start = System.nanoTime();
        List<String> evidence = index.retrieve(example.question(), Question.DEFAULT_TOP_K).stream()
                .map(StoredChunk::text).toList();
        String answer = generator.extract(example.question(), List.of(), embedder.embed(List.of(example.question()))[0],
                evidence).text();
        return new Reply(answer, evidence, (System.nanoTime() - start) / 1_000_000);
    }

    private Bm25Retriever index(String corpus) throws IOException {
        Bm25Retriever index = indexes.get(corpus);
        if (index == null) {
            index = new Bm25Retriever(store.chunks(corpus));
            indexes.put(corpus, index);
        }
        return index;
    }

    @Override
    public void close() throws IOException {
        IOUtils.close(indexes.values());
    }
}
