package dev.memorag.worker.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * A session's K/V of the current window, per layer, in buffers written in place: appending a decode step's row copies
 * that row only (joining the window so far with it copied the whole window every token). Capacity doubles when a
 * plain session outgrows it; a beacon window never does (it starts at the window's slot count).
 */
final class WindowKv {
    private final NDManager manager;
    private final int layers;
    private final Shape row;
    private final DataType dataType;
    private final List<NDArray[]> buffers = new ArrayList<>();
    private long capacity;
    private long rows;

    WindowKv(NDManager manager, int layers, long capacity, int kvHeads, int headDim, DataType dataType) {
        this.manager = manager;
        this.layers = layers;
        this.row = new Shape(kvHeads, headDim);
        this.dataType = dataType;
        this.capacity = capacity;
    }

    long rows() {
        return rows;
    }

    /** Copies the new rows of every layer in after the existing ones. */
    void append(List<LayerKv> fresh) {
        long n = fresh.get(0).rows();
        if (buffers.isEmpty() || rows + n > capacity) grow(Math.max(capacity, rows + n));
        NDIndex at = new NDIndex(rows + ":" + (rows + n));
        for (int l = 0; l < layers; l++) {
            NDArray[] b = buffers.get(l);
            LayerKv kv = fresh.get(l);
            b[0].set(at, kv.k());
            b[1].set(at, kv.kRot());
            b[2].set(at, kv.v());
        }
        rows += n;
    }

    /** The filled rows as views attached to {@code scope} (null when empty), valid until the next append. */
    List<LayerKv> view(NDManager scope) {
        if (rows == 0) return null;
        NDIndex filled = new NDIndex(":" + rows);
        List<LayerKv> out = new ArrayList<>(layers);
        for (NDArray[] b : buffers)
            out.add(new LayerKv(b[0].get(scope, filled), b[1].get(scope, filled), b[2].get(scope, filled)));
        return out;
    }

    /** Forgets the rows (the buffers stay for the next window). */
    void clear() {
        rows = 0;
    }

    private void grow(long atLeast) {
        long next = buffers.isEmpty() ? atLeast : Math.max(atLeast, capacity * 2);
        Shape shape = new Shape(next, row.get(0), row.get(1));
        List<NDArray[]> grown = new ArrayList<>(layers);
        for (int l = 0; l < layers; l++) {
            NDArray[] b = new NDArray[3];
            for (int i = 0; i < 3; i++) {
                b[i] = manager.zeros(shape, dataType);
                if (rows > 0) {
                    try (NDArray filled = buffers.get(l)[i].get(new NDIndex(":" + rows))) {
                        b[i].set(new NDIndex(":" + rows), filled);
                    }
                }
            }
            grown.add(b);
        }
        close();
        buffers.addAll(grown);
        capacity = next;
    }

    void close() {
        for (NDArray[] b : buffers) for (NDArray a : b) a.close();
        buffers.clear();
    }
}
