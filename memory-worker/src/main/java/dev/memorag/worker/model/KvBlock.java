package dev.memorag.worker.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * K (before RoPE), rotated K and V of every layer for a fixed number of rows [capacity, kvHeads, headDim], written in
 * place: the storage under a window's cache ({@link WindowKv}) and a memory's kept rows ({@link MemoryRows}).
 */
final class KvBlock {
    /** Per layer: k, kRot, v. */
    private final NDArray[][] arrays;

    private final long capacity;

    private KvBlock(NDArray[][] arrays, long capacity) {
        this.arrays = arrays;
        this.capacity = capacity;
    }

    /** What every block of one store holds: its layer count, rows of [kvHeads, headDim], element type. */
    record Layout(int layers, int kvHeads, int headDim, DataType type) {
        /** Zeroed rows for {@code capacity} positions in {@code manager}, which owns them (or {@link #close}). */
        KvBlock allocate(NDManager manager, long capacity) {
            return KvBlock.allocate(manager, this, capacity);
        }
    }

    private static KvBlock allocate(NDManager manager, Layout layout, long capacity) {
        Shape shape = new Shape(capacity, layout.kvHeads(), layout.headDim());
        DataType type = layout.type();
        NDArray[][] arrays = new NDArray[layout.layers()][3];
        try {
            for (NDArray[] layer : arrays) {
                for (int i = 0; i < 3; i++) layer[i] = manager.zeros(shape, type);
            }
        } catch (RuntimeException e) {
            for (NDArray[] layer : arrays) for (NDArray a : layer) if (a != null) a.close();
            throw e;
        }
        return new KvBlock(arrays, capacity);
    }

    long capacity() {
        return capacity;
    }

    /** Copies {@code rows} (the same number in every layer) in at row {@code at}, cast to this block's dtype. */
    void write(long at, List<LayerKv> rows) {
        NDIndex range = new NDIndex(at + ":" + (at + rows.get(0).rows()));
        for (int l = 0; l < arrays.length; l++) {
            LayerKv kv = rows.get(l);
            put(arrays[l][0], range, kv.k());
            put(arrays[l][1], range, kv.kRot());
            put(arrays[l][2], range, kv.v());
        }
    }

    private static void put(NDArray into, NDIndex range, NDArray rows) {
        DataType type = into.getDataType();
        if (rows.getDataType() == type) {
            into.set(range, rows);
            return;
        }
        // Into FP16 (a BF16 model's rows on CPU) within its range: keys and values are clamped before they get here,
        // but a key rotated from clamped values could still pass 65504 and would become infinite.
        NDArray fit = type == DataType.FLOAT16 ? rows.clip(-65504, 65504) : rows;
        try (NDArray cast = fit.toType(type, false)) {
            into.set(range, cast);
        } finally {
            if (fit != rows) fit.close();
        }
    }

    /** Rows [from, to) of every layer as views attached to {@code scope}; valid until the rows are written again. */
    List<LayerKv> view(NDManager scope, long from, long to) {
        NDIndex range = new NDIndex(from + ":" + to);
        List<LayerKv> out = new ArrayList<>(arrays.length);
        for (NDArray[] kv : arrays) {
            out.add(new LayerKv(kv[0].get(scope, range), kv[1].get(scope, range), kv[2].get(scope, range)));
        }
        return out;
    }

    void close() {
        for (NDArray[] layer : arrays) for (NDArray a : layer) a.close();
    }
}
