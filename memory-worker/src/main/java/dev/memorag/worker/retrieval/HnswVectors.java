package dev.memorag.worker.retrieval;

import dev.memorag.worker.store.StoredChunk;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.lucene.analysis.core.KeywordAnalyzer;
import org.apache.lucene.codecs.Codec;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.KnnFloatVectorQuery;

/**
 * Approximate search in Lucene's HNSW graph, for corpora too large to score every vector per clue. bge vectors are
 * unit length, so Lucene's DOT_PRODUCT applies; its scores, (1 + dot) / 2, are turned back into the dot product.
 */
final class HnswVectors implements DenseIndex {
    private static final String VECTOR = "vector";
    /** Candidates the graph search keeps (Lucene's k is also its beam width): fewer would cost recall. */
    static final int MIN_CANDIDATES = 100;

    private final LuceneIndex index;
    private int size;

    HnswVectors() throws IOException {
        index = new LuceneIndex(new KeywordAnalyzer(), Codec.getDefault());
    }

    @Override
    public void stage(Set<Long> removed, List<StoredChunk> added) throws IOException {
        Map<Long, Document> docs = new LinkedHashMap<>();
        for (StoredChunk chunk : added) {
            Document doc = new Document();
            doc.add(new KnnFloatVectorField(VECTOR, chunk.vector(), VectorSimilarityFunction.DOT_PRODUCT));
            docs.put(chunk.seq(), doc);
        }
        index.stage(removed, docs);
    }

    @Override
    public void publish() throws IOException {
        index.publish();
        size = index.size();
    }

    @Override
    public List<List<Hit>> search(float[][] queries, int n) throws IOException {
        List<List<Hit>> out = new ArrayList<>();
        for (float[] query : queries) {
            out.add(index.search(new KnnFloatVectorQuery(VECTOR, query, Math.max(n, MIN_CANDIDATES)), n).stream()
                    .map(h -> new Hit(h.seq(), 2 * h.score() - 1))
                    .toList());
        }
        return out;
    }

    @Override
    public Set<Long> seqs() throws IOException {
        return index.seqs();
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public long ramBytes() {
        return index.ramBytes();
    }

    @Override
    public void close() throws IOException {
        index.close();
    }
}
