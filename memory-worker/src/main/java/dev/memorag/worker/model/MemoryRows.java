package dev.memorag.worker.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * Kept beacon rows (K before RoPE, rotated K, V) of every layer, in blocks that are filled in place: appending a window
 * copies its own rows only. A new block holds as many rows as the memory already has, up to a fixed size (1, 1, 2, 4,
 * 8, 8, ... windows), so no more than that size or half the memory is allocated ahead. Joining the whole memory with each window's rows copied a
 * memory's K/V once a window (4 % of a window at a 128K-token memory, growing with it) and held the old and the new
 * copy at once. Attention reads the blocks as separate segments, in order. Its arrays live in the caller's manager
 * and close with it.
 */
final class MemoryRows {
    private final NDManager manager;
    private final int layers;
    private final long blockRows;
    private final Shape row;
    private final DataType dataType;
    /** Per block, per layer: k, kRot, v buffers of the block's capacity. */
    private final List<NDArray[][]> blocks = new ArrayList<>();

    private final List<Long> filled = new ArrayList<>();
    private long rows;

    MemoryRows(NDManager manager, int layers, long blockRows, int kvHeads, int headDim, DataType dataType) {
        this.manager = manager;
        this.layers = layers;
        this.blockRows = blockRows;
        this.row = new Shape(kvHeads, headDim);
        this.dataType = dataType;
    }

    long rows() {
        return rows;
    }

    int blockCount() {
        return blocks.size();
    }

    /** Rows the blocks can hold: what the memory occupies on its device. */
    long capacityRows() {
        long capacity = 0;
        for (NDArray[][] b : blocks) capacity += b[0][0].getShape().get(0);
        return capacity;
    }

    /** Copies {@code fresh} (the same number of rows in every layer) in after the existing rows. */
    void append(List<LayerKv> fresh) {
        long n = fresh.get(0).rows();
        int last = blocks.size() - 1;
        if (last < 0 || filled.get(last) + n > blocks.get(last)[0][0].getShape().get(0)) {
            // Blocks grow with the memory up to blockRows: a small memory does not hold a mostly empty block.
            blocks.add(allocate(Math.max(n, Math.min(blockRows, rows))));
            filled.add(0L);
            last++;
        }
        long from = filled.get(last);
        NDIndex at = new NDIndex(from + ":" + (from + n));
        NDArray[][] block = blocks.get(last);
        for (int l = 0; l < layers; l++) {
            LayerKv kv = fresh.get(l);
            block[l][0].set(at, kv.k());
            block[l][1].set(at, kv.kRot());
            block[l][2].set(at, kv.v());
        }
        filled.set(last, from + n);
        rows += n;
    }

    private NDArray[][] allocate(long capacity) {
        Shape shape = new Shape(capacity, row.get(0), row.get(1));
        NDArray[][] block = new NDArray[layers][3];
        try {
            for (int l = 0; l < layers; l++) {
                for (int i = 0; i < 3; i++) block[l][i] = manager.zeros(shape, dataType);
            }
        } catch (RuntimeException e) {
            for (NDArray[] layer : block) for (NDArray a : layer) if (a != null) a.close();
            throw e;
        }
        return block;
    }

    /** The filled rows as segments in order, each a view per layer attached to {@code scope}; valid until the next append. */
    List<List<LayerKv>> views(NDManager scope) {
        List<List<LayerKv>> out = new ArrayList<>(blocks.size());
        for (int b = 0; b < blocks.size(); b++) out.add(view(scope, b, 0, filled.get(b)));
        return out;
    }

    /** Rows [from, to), which must lie in one block (a window's rows always do), as a view per layer. */
    List<LayerKv> slice(NDManager scope, long from, long to) {
        long start = 0;
        for (int b = 0; b < blocks.size(); b++) {
            long end = start + filled.get(b);
            if (from >= start && to <= end) return view(scope, b, from - start, to - start);
            start = end;
        }
        throw new IndexOutOfBoundsException("rows " + from + ".." + to + " of " + rows + " are not in one block");
    }

    private List<LayerKv> view(NDManager scope, int b, long from, long to) {
        NDIndex range = new NDIndex(from + ":" + to);
        List<LayerKv> out = new ArrayList<>(layers);
        for (NDArray[] kv : blocks.get(b)) {
            out.add(new LayerKv(kv[0].get(scope, range), kv[1].get(scope, range), kv[2].get(scope, range)));
        }
        return out;
    }
}
