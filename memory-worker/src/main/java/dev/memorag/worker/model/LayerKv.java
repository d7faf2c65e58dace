package dev.memorag.worker.model;

import ai.djl.ndarray.NDArray;

/** Keys (before RoPE) and values of some rows of one layer, each [rows, kvHeads, headDim]. */
public record LayerKv(NDArray k, NDArray v) {
    public long rows() {
        return k.getShape().get(0);
    }
}
