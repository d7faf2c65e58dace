package dev.memorag.worker.model;

import ai.djl.ndarray.NDArray;

/**
 * Keys and values of some rows of one layer, each [rows, kvHeads, headDim]. {@code k} is before RoPE
 * (the persisted state: a row's position changes when its window is compressed); {@code kRot} is the
 * same keys rotated at the rows' current positions, a derived cache that stays valid because kept
 * beacons always sit at 0..B-1 and slots of an open window at B + their index.
 */
public record LayerKv(NDArray k, NDArray kRot, NDArray v) {
    public long rows() {
        return k.getShape().get(0);
    }

    void close() {
        k.close();
        kRot.close();
        v.close();
    }
}
