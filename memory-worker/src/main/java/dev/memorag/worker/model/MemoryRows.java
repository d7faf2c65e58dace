package dev.memorag.worker.model;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Kept beacon rows (K before RoPE, rotated K, V) of every layer, in blocks filled in place: appending a window copies
 * its own rows only (joining the whole memory with them copied the memory every window and held it twice). A new
 * block holds as many rows as the memory already has, up to a fixed size (1, 1, 2, 4, 8, 8, ... windows), so no more
 * than that size or half the memory is allocated ahead. Attention reads the blocks as separate segments, in order.
 * Its arrays live in the caller's manager and close with it.
 */
final class MemoryRows {
    private final NDManager manager;
    private final KvBlock.Layout layout;
    private final long blockRows;
    private final List<KvBlock> blocks = new ArrayList<>();
    /** Rows written into each block. */
    private final List<Long> filled = new ArrayList<>();

    private long rows;
    /** Rows the blocks can hold; the memory cache weighs memories from other threads while one of them grows. */
    private final AtomicLong capacityRows = new AtomicLong();

    MemoryRows(NDManager manager, KvBlock.Layout layout, long blockRows) {
        this.manager = manager;
        this.layout = layout;
        this.blockRows = blockRows;
    }

    long rows() {
        return rows;
    }

    int blockCount() {
        return blocks.size();
    }

    /** Rows the blocks can hold: what the memory occupies on its device. */
    long capacityRows() {
        return capacityRows.get();
    }

    /** Copies {@code fresh} (the same number of rows in every layer) in after the existing rows. */
    void append(List<LayerKv> fresh) {
        long n = fresh.get(0).rows();
        int last = blocks.size() - 1;
        if (last < 0 || filled.get(last) + n > blocks.get(last).capacity()) {
            long capacity = Math.max(n, Math.min(blockRows, rows));
            blocks.add(layout.allocate(manager, capacity));
            filled.add(0L);
            capacityRows.addAndGet(capacity);
            last++;
        }
        blocks.get(last).write(filled.get(last), fresh);
        filled.set(last, filled.get(last) + n);
        rows += n;
    }

    /** The filled rows as segments in order, each a view per layer attached to {@code scope}; valid until the next append. */
    List<List<LayerKv>> views(NDManager scope) {
        List<List<LayerKv>> out = new ArrayList<>(blocks.size());
        for (int b = 0; b < blocks.size(); b++) out.add(blocks.get(b).view(scope, 0, filled.get(b)));
        return out;
    }

    /** Rows [from, to), which must lie in one block (a window's rows always do), as a view per layer. */
    List<LayerKv> slice(NDManager scope, long from, long to) {
        long start = 0;
        for (int b = 0; b < blocks.size(); b++) {
            long end = start + filled.get(b);
            if (from >= start && to <= end) return blocks.get(b).view(scope, from - start, to - start);
            start = end;
        }
        throw new IndexOutOfBoundsException("rows " + from + ".." + to + " of " + rows + " are not in one block");
    }
}
