package dev.memorag.worker.recall;

import dev.memorag.embedding.Embedder;
import dev.memorag.worker.store.StoredChunk;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Exact inner-product search: top-k passages per query vector, merged over all queries (clues), each passage with
 * its best score, returned in corpus-stream order as MemoRAG feeds them to the generator.
 */
public final class DenseRetriever {

    public List<ScoredChunk> retrieve(List<StoredChunk> corpus, float[][] queries, int topK) {
        Map<StoredChunk, Float> best = new HashMap<>();
        for (float[] query : queries) {
            PriorityQueue<ScoredChunk> top = new PriorityQueue<>(Comparator.comparingDouble(ScoredChunk::score));
            for (StoredChunk chunk : corpus) {
                top.add(new ScoredChunk(chunk, Embedder.dot(query, chunk.vector())));
                if (top.size() > topK) {
                    top.poll();
                }
            }
            for (ScoredChunk hit : top) {
                best.merge(hit.chunk(), hit.score(), Math::max);
            }
        }
        List<ScoredChunk> hits = new ArrayList<>();
        best.forEach((chunk, score) -> hits.add(new ScoredChunk(chunk, score)));
        hits.sort(Comparator.comparingLong(h -> h.chunk().seq()));
        return hits;
    }

    /** A passage and its similarity to the query that found it. */
    public record ScoredChunk(StoredChunk chunk, float score) {}
}
