package dev.memorag.worker.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Kept rows in blocks that grow with the memory: what was appended reads back in order, block by block. */
class MemoryRowsTest {
    private static final int LAYERS = 2;
    private static final int KV_HEADS = 2;
    private static final int HEAD_DIM = 4;
    private static final int WINDOW_ROWS = 3;
    private static final int BLOCK_WINDOWS = 8;

    @Test
    void blocksGrowWithTheMemoryAndReadBackWhatWasAppended() {
        try (NDManager manager = NDManager.newBaseManager()) {
            MemoryRows rows = new MemoryRows(
                    manager,
                    new KvBlock.Layout(LAYERS, KV_HEADS, HEAD_DIM, DataType.FLOAT32),
                    (long) BLOCK_WINDOWS * WINDOW_ROWS);
            List<List<LayerKv>> appended = new ArrayList<>();
            int[] blocksAfter = new int[20];
            for (int w = 0; w < 20; w++) {
                List<LayerKv> window = window(manager, w);
                rows.append(window);
                appended.add(window);
                blocksAfter[w] = rows.blockCount();
            }
            // blocks of 1, 1, 2, 4, 8, 8 windows: a new block is as large as the memory, up to 8 windows
            assertArrayEquals(new int[] {1, 2, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 5, 5, 5, 5, 6, 6, 6, 6}, blocksAfter);
            assertEquals(20L * WINDOW_ROWS, rows.rows());
            assertEquals(24L * WINDOW_ROWS, rows.capacityRows(), "1 + 1 + 2 + 4 + 8 + 8 windows allocated");

            try (NDManager scope = manager.newSubManager()) {
                List<List<LayerKv>> views = rows.views(scope);
                assertEquals(6, views.size());
                for (int l = 0; l < LAYERS; l++) {
                    int layer = l;
                    for (int part = 0; part < 3; part++) {
                        int which = part;
                        NDArray read = NDArrays.concat(new NDList(views.stream()
                                .map(v -> pick(v.get(layer), which))
                                .toList()));
                        NDArray expected = NDArrays.concat(new NDList(appended.stream()
                                .map(v -> pick(v.get(layer), which))
                                .toList()));
                        assertArrayEquals(expected.toFloatArray(), read.toFloatArray(), 0f);
                    }
                }
                // a window's rows lie in one block; a range across two blocks is refused
                assertArrayEquals(
                        appended.get(13).get(1).v().toFloatArray(),
                        rows.slice(scope, 13L * WINDOW_ROWS, 14L * WINDOW_ROWS)
                                .get(1)
                                .v()
                                .toFloatArray(),
                        0f);
                assertThrows(
                        IndexOutOfBoundsException.class,
                        () -> rows.slice(scope, 8L * WINDOW_ROWS - 1, 8L * WINDOW_ROWS + 1));
            }
        }
    }

    /**
     * The memory cache weighs every cached memory from whichever thread finishes a request, while the memorizer may be
     * appending blocks to one of them: reading the capacity then must neither fail nor see a total that was never true.
     */
    @Test
    void capacityIsReadSafelyWhileBlocksAreAdded() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            // blocks of one window each: every append adds a block
            MemoryRows rows = new MemoryRows(manager, new KvBlock.Layout(1, 1, 1, DataType.FLOAT32), WINDOW_ROWS);
            int windows = 3000;
            List<LayerKv> window = List.of(new LayerKv(
                    manager.zeros(new Shape(WINDOW_ROWS, 1, 1)),
                    manager.zeros(new Shape(WINDOW_ROWS, 1, 1)),
                    manager.zeros(new Shape(WINDOW_ROWS, 1, 1))));
            java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
            java.util.concurrent.CompletableFuture<Long> reads =
                    java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                        long n = 0;
                        long last = 0;
                        while (!done.get()) {
                            long now = rows.capacityRows();
                            if (now < last || now % WINDOW_ROWS != 0)
                                throw new AssertionError("capacity " + now + " after " + last);
                            last = now;
                            n++;
                        }
                        return n;
                    });
            for (int w = 0; w < windows; w++) rows.append(window);
            done.set(true);
            System.out.println("capacity read " + reads.get() + " times while " + windows + " blocks were added");
            assertEquals((long) windows * WINDOW_ROWS, rows.capacityRows());
        }
    }

    /** One window's rows, every value distinct: window, layer, part and position encoded. */
    private static List<LayerKv> window(NDManager manager, int w) {
        List<LayerKv> layers = new ArrayList<>();
        Shape shape = new Shape(WINDOW_ROWS, KV_HEADS, HEAD_DIM);
        int size = Math.toIntExact(shape.size());
        for (int l = 0; l < LAYERS; l++) {
            NDArray[] parts = new NDArray[3];
            for (int p = 0; p < 3; p++) {
                float[] values = new float[size];
                for (int i = 0; i < size; i++) values[i] = w * 1000 + l * 100 + p * 10 + i / 100f;
                parts[p] = manager.create(values, shape);
            }
            layers.add(new LayerKv(parts[0], parts[1], parts[2]));
        }
        return layers;
    }

    private static NDArray pick(LayerKv kv, int part) {
        return part == 0 ? kv.k() : part == 1 ? kv.kRot() : kv.v();
    }
}
