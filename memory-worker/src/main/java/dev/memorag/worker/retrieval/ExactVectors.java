package dev.memorag.worker.retrieval;

import dev.memorag.worker.store.StoredChunk;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.lucene.util.VectorUtil;

/**
 * Exact search: every vector is scored. Rows are kept dense (a removed row is filled with the last one), and one
 * pass over them serves all the clues of a question.
 */
final class ExactVectors implements DenseIndex {
    /** A row's array header and reference, its seq and its map entry, besides the floats. */
    private static final long ROW_OVERHEAD_BYTES = 16 + 8 + 8 + 64;

    private float[][] rows = new float[16][];
    private long[] seqs = new long[16];
    private final Map<Long, Integer> rowOf = new HashMap<>();
    private int size;
    private int dims;

    @Override
    public void stage(Set<Long> removed, List<StoredChunk> added) {
        for (long seq : removed) {
            Integer row = rowOf.remove(seq);
            if (row == null) {
                continue;
            }
            int last = --size;
            if (row != last) {
                rows[row] = rows[last];
                seqs[row] = seqs[last];
                rowOf.put(seqs[row], row);
            }
            rows[last] = null;
        }
        for (StoredChunk chunk : added) {
            if (rowOf.containsKey(chunk.seq())) {
                continue;
            }
            if (size == rows.length) {
                rows = Arrays.copyOf(rows, size * 2);
                seqs = Arrays.copyOf(seqs, size * 2);
            }
            dims = chunk.vector().length;
            rows[size] = chunk.vector().clone();
            seqs[size] = chunk.seq();
            rowOf.put(chunk.seq(), size++);
        }
    }

    /** Changes are searchable at once: searches and changes never overlap (the corpus's lock). */
    @Override
    public void publish() {}

    @Override
    public List<List<Hit>> search(float[][] queries, int n) {
        List<TopHits> tops = new ArrayList<>();
        for (int q = 0; q < queries.length; q++) {
            tops.add(new TopHits(n));
        }
        for (int row = 0; row < size; row++) {
            for (int q = 0; q < queries.length; q++) {
                tops.get(q).offer(seqs[row], VectorUtil.dotProduct(queries[q], rows[row]));
            }
        }
        return tops.stream().map(TopHits::ranked).toList();
    }

    @Override
    public Set<Long> seqs() {
        return new HashSet<>(rowOf.keySet());
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public long ramBytes() {
        return (long) size * ((long) dims * Float.BYTES + ROW_OVERHEAD_BYTES);
    }

    @Override
    public void close() {
        rows = new float[0][];
        rowOf.clear();
        size = 0;
    }
}
