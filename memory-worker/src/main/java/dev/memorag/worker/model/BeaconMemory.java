package dev.memorag.worker.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.memorag.worker.model.ComputeDevice.Precision;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The compressed memory of one token stream: per layer, the beacon keys (pre-RoPE) and values of all
 * full windows, plus the raw ids of the unfinished window. Every full window is computed by the same
 * single forward over [memory | its W raw tokens + W/r beacons], so the memory does not depend on
 * how the stream was split into {@link #extend} calls. Owns its arrays (one NDManager). Not
 * thread-safe: extend it from one thread, and not while a {@link RecallSession} reads it.
 */
public final class BeaconMemory implements AutoCloseable {
    /** Windows in a full block of {@link MemoryRows}: a 128K-token memory of 2048-token windows is 11 segments. */
    static final int BLOCK_WINDOWS = 8;

    private final BeaconModel model;
    private final NDManager manager;
    private final MemoryRows rows;
    private int windows;
    private int[] pending = new int[0];

    private BeaconMemory(BeaconModel model) {
        this.model = model;
        this.manager = NDManager.newBaseManager(model.device().device());
        this.rows = keptRows(model, manager);
    }

    /** Empty kept-row storage for {@code model}'s beacons in {@code manager} (a recall session keeps its own too). */
    static MemoryRows keptRows(BeaconModel model, NDManager manager) {
        ModelConfig c = model.config();
        return new MemoryRows(
                manager,
                model.kvLayout(model.device().rowType()),
                (long) BLOCK_WINDOWS * c.beacon().beaconsPerWindow());
    }

    public static BeaconMemory empty(BeaconModel model) {
        return new BeaconMemory(model);
    }

    /**
     * Rebuilds a memory from its exported form; refuses a state made with other settings, another model shape or rows
     * in another precision (convert those explicitly with {@link MemoryState#withPrecision}).
     */
    public static BeaconMemory restore(BeaconModel model, MemoryState state) {
        ModelConfig c = model.config();
        if (state.window() != c.beacon().window()
                || state.ratio() != c.beacon().ratio()
                || state.layers() != c.numLayers()
                || state.kvDim() != c.kvDim()) {
            throw new IllegalArgumentException(
                    "memory state (window " + state.window() + ", ratio " + state.ratio() + ", " + state.layers()
                            + " layers, kv dim " + state.kvDim() + ") does not fit this model (window "
                            + c.beacon().window() + ", ratio "
                            + c.beacon().ratio() + ", " + c.numLayers() + " layers, kv dim " + c.kvDim() + ")");
        }
        Precision precision = model.device().precision();
        if (state.precision() != precision) {
            throw new IllegalArgumentException(
                    "memory rows are " + state.precision().wire() + " but this model holds " + precision.wire()
                            + ": convert the state with withPrecision(" + precision
                            + ") or memorize the stream again with this model");
        }
        BeaconMemory m = new BeaconMemory(model);
        try {
            int n = c.beacon().beaconsPerWindow();
            Shape rowShape = new Shape(n, c.numKvHeads(), c.headDim());
            int block = n * c.kvDim();
            for (byte[] window : state.windows()) {
                float[] values = MemoryState.decode(window, state.precision());
                try (NDManager scope = m.manager.newSubManager()) {
                    long from = m.rows.rows();
                    List<LayerKv> kv = new ArrayList<>();
                    for (int l = 0; l < c.numLayers(); l++) {
                        NDArray k = m.upload(scope, values, 2 * l * block, rowShape);
                        kv.add(new LayerKv(
                                k,
                                model.rotateKeys(scope, k, from),
                                m.upload(scope, values, (2 * l + 1) * block, rowShape)));
                    }
                    m.rows.append(kv);
                }
            }
            m.windows = state.windows().size();
            m.pending = state.pending();
            return m;
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    private NDArray upload(NDManager scope, float[] values, int from, Shape shape) {
        return model.heldRows(scope, Arrays.copyOfRange(values, from, from + Math.toIntExact(shape.size())), shape);
    }

    /** Appends raw tokens to the stream; every window they complete is compressed into beacons. */
    public void extend(int[] tokens) {
        BeaconSettings b = model.beacon();
        int[] all = new int[pending.length + tokens.length];
        System.arraycopy(pending, 0, all, 0, pending.length);
        System.arraycopy(tokens, 0, all, pending.length, tokens.length);
        int pos = 0;
        while (all.length - pos >= b.window()) {
            int[] slots = Interleaver.slots(
                    all, pos, b.window(), 0, b.ratio(), model.config().beaconTokenId());
            try (NDManager scope = manager.newSubManager()) {
                BeaconModel.Output out = model.forward(scope, rows.views(scope), slots, BeaconModel.Logits.NONE);
                appendBeacons(scope, out.kv(), slots);
            }
            windows++;
            pos += b.window();
        }
        pending = Arrays.copyOfRange(all, pos, all.length);
    }

    /** Keeps only the beacon rows of a finished window, appended after the existing memory. */
    private void appendBeacons(NDManager scope, List<LayerKv> windowKv, int[] slots) {
        NDArray index = beaconRows(scope, slots, model.config().beaconTokenId());
        rows.append(model.keptBeacons(scope, windowKv, index, rows.rows()));
    }

    static NDArray beaconRows(NDManager m, int[] slots, int beaconId) {
        return m.create(java.util.stream.IntStream.range(0, slots.length)
                .filter(i -> slots[i] == beaconId)
                .mapToLong(i -> i)
                .toArray());
    }

    public BeaconModel model() {
        return model;
    }

    /** The kept beacon rows; read-only for sessions. */
    MemoryRows rows() {
        return rows;
    }

    public int windowCount() {
        return windows;
    }

    /** Beacon rows per layer: windows * window / ratio. */
    public long memoryRows() {
        return rows.rows();
    }

    /** Bytes the kept rows occupy on the device (their blocks' capacity: pre-RoPE keys, rotated keys, values). */
    public long deviceBytes() {
        ModelConfig c = model.config();
        return rows.capacityRows()
                * c.numLayers()
                * 3L
                * c.kvDim()
                * model.device().rowType().getNumOfBytes();
    }

    public int[] pending() {
        return pending.clone();
    }

    public long tokenCount() {
        return (long) windows * model.beacon().window() + pending.length;
    }

    /** One full window's beacon K/V as bytes in the model's precision (layout in {@link MemoryState}). */
    public byte[] exportWindow(int index) {
        if (index < 0 || index >= windows) throw new IndexOutOfBoundsException("window " + index + " of " + windows);
        ModelConfig c = model.config();
        int n = c.beacon().beaconsPerWindow();
        int block = n * c.kvDim();
        float[] values = new float[2 * c.numLayers() * block];
        try (NDManager scope = manager.newSubManager()) {
            int at = 0;
            for (LayerKv layer : rows.slice(scope, (long) index * n, (long) (index + 1) * n)) {
                for (NDArray a : new NDArray[] {layer.k(), layer.v()}) {
                    System.arraycopy(a.toType(DataType.FLOAT32, false).toFloatArray(), 0, values, at, block);
                    at += block;
                }
            }
        }
        return MemoryState.encode(values, model.device().precision());
    }

    public MemoryState export() {
        List<byte[]> all = new ArrayList<>();
        for (int i = 0; i < windows; i++) all.add(exportWindow(i));
        BeaconSettings b = model.beacon();
        return new MemoryState(
                b.window(),
                b.ratio(),
                model.config().numLayers(),
                model.config().kvDim(),
                model.device().precision(),
                all,
                pending,
                pending.length % b.ratio());
    }

    /** Arrays owned by this memory; tests use it to check nothing accumulates. */
    public NDManager manager() {
        return manager;
    }

    @Override
    public void close() {
        manager.close();
    }
}
