package dev.memorag.worker.model;

import ai.djl.ndarray.NDManager;
import java.util.List;

/**
 * A session's K/V of the current window, per layer, in buffers written in place: appending a decode step's row copies
 * that row only (joining the window so far with it copied the whole window every token). Capacity doubles when a
 * plain session outgrows it; a beacon window never does (it starts at the window's slot count).
 */
final class WindowKv {
    private final NDManager manager;
    private final KvBlock.Layout layout;
    private KvBlock block;
    private long capacity;
    private long rows;

    WindowKv(NDManager manager, KvBlock.Layout layout, long capacity) {
        this.manager = manager;
        this.layout = layout;
        this.capacity = capacity;
    }

    long rows() {
        return rows;
    }

    /** Copies the new rows of every layer in after the existing ones. */
    void append(List<LayerKv> fresh) {
        long n = fresh.get(0).rows();
        if (block == null || rows + n > capacity) grow(Math.max(capacity, rows + n));
        block.write(rows, fresh);
        rows += n;
    }

    /** The filled rows as views attached to {@code scope} (null when empty), valid until the next append. */
    List<LayerKv> view(NDManager scope) {
        return rows == 0 ? null : block.view(scope, 0, rows);
    }

    /** Forgets the rows (the buffers stay for the next window). */
    void clear() {
        rows = 0;
    }

    private void grow(long atLeast) {
        long next = block == null ? atLeast : Math.max(atLeast, capacity * 2);
        KvBlock grown = layout.allocate(manager, next);
        if (block != null) {
            if (rows > 0) {
                try (NDManager scope = manager.newSubManager()) {
                    grown.write(0, block.view(scope, 0, rows));
                }
            }
            block.close();
        }
        block = grown;
        capacity = next;
    }
}
