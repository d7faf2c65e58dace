package dev.memorag.worker.retrieval;

import dev.memorag.worker.store.StoredChunk;
import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import java.util.Set;

/** Inner-product search over one corpus's passage vectors, changed only by the store's change records. */
interface DenseIndex extends Closeable {

    /**
     * Removes passages by seq, then adds passages; either may already be done (then it is a no-op). Searches see
     * the change after {@link #publish}.
     */
    void stage(Set<Long> removed, List<StoredChunk> added) throws IOException;

    void publish() throws IOException;

    /** The {@code n} passages of largest inner product with each query, best first, one list per query. */
    List<List<Hit>> search(float[][] queries, int n) throws IOException;

    /** The seqs of the passages held. */
    Set<Long> seqs() throws IOException;

    int size();

    /** Heap bytes held, approximately. */
    long ramBytes();
}
