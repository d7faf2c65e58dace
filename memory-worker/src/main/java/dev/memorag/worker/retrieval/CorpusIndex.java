package dev.memorag.worker.retrieval;

import dev.memorag.schemas.Question.Retrieval;
import dev.memorag.worker.store.StoredChunk;
import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.lucene.util.IOUtils;

/**
 * One corpus's passages, searchable by BM25 and by vector. Both parts change only together, by the same change
 * records, so they always hold the same passages.
 */
final class CorpusIndex implements Closeable {
    /** Candidates taken from each ranking before fusing, so a passage second-best in both can still win. */
    static final int FUSION_DEPTH = 50;

    private final LexicalIndex lexical;
    private final DenseIndex dense;
    private final boolean approximate;

    private CorpusIndex(LexicalIndex lexical, DenseIndex dense, boolean approximate) {
        this.lexical = lexical;
        this.dense = dense;
        this.approximate = approximate;
    }

    /** An empty index, its vectors in an HNSW graph if {@code approximate}, else searched exactly. */
    static CorpusIndex create(boolean approximate) throws IOException {
        LexicalIndex lexical = new LexicalIndex();
        try {
            return new CorpusIndex(lexical, approximate ? new HnswVectors() : new ExactVectors(), approximate);
        } catch (IOException | RuntimeException e) {
            IOUtils.closeWhileHandlingException(lexical);
            throw e;
        }
    }

    /** Applies a change and makes it visible to searches. */
    void apply(Set<Long> removed, List<StoredChunk> added) throws IOException {
        stage(removed, added);
        publish();
    }

    /** Applies a change that searches see after {@link #publish}: a build stages every page, then publishes once. */
    void stage(Set<Long> removed, List<StoredChunk> added) throws IOException {
        lexical.stage(removed, added);
        dense.stage(removed, added);
    }

    void publish() throws IOException {
        lexical.publish();
        dense.publish();
    }

    boolean approximate() {
        return approximate;
    }

    int size() {
        return dense.size();
    }

    /** Per clue the {@code topK} best passages under {@code mode}; over clues, each passage with its best score. */
    List<Hit> search(Retrieval mode, List<String> clues, float[][] vectors, int topK) throws IOException {
        int depth = mode == Retrieval.HYBRID ? Math.max(topK, FUSION_DEPTH) : topK;
        List<List<Hit>> denseHits = mode == Retrieval.BM25 ? List.of() : dense.search(vectors, depth);
        Map<Long, Float> best = new HashMap<>();
        for (int i = 0; i < clues.size(); i++) {
            List<Hit> hits = switch (mode) {
                case DENSE -> denseHits.get(i);
                case BM25 -> lexical.search(clues.get(i), topK);
                case HYBRID ->
                    ReciprocalRankFusion.fuse(List.of(denseHits.get(i), lexical.search(clues.get(i), depth)), topK);
            };
            for (Hit hit : hits) {
                best.merge(hit.seq(), hit.score(), Math::max);
            }
        }
        List<Hit> out = new ArrayList<>();
        best.forEach((seq, score) -> out.add(new Hit(seq, score)));
        return out;
    }

    IndexedPassages passages() throws IOException {
        return new IndexedPassages(lexical.seqs(), dense.seqs(), approximate);
    }

    long ramBytes() {
        return lexical.ramBytes() + dense.ramBytes();
    }

    @Override
    public void close() throws IOException {
        IOUtils.close(lexical, dense);
    }
}
