package dev.memorag.worker.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
    private final BeaconModel model;
    private final NDManager manager;
    private List<LayerKv> kv;
    private int windows;
    private int[] pending = new int[0];

    private BeaconMemory(BeaconModel model) {
        this.model = model;
        this.manager = NDManager.newBaseManager(model.device().device());
    }

    public static BeaconMemory empty(BeaconModel model) {
        return new BeaconMemory(model);
    }

    /** Rebuilds a memory from its exported form; refuses a state made with other settings or another model shape. */
    public static BeaconMemory restore(BeaconModel model, MemoryState state) {
        ModelConfig c = model.config();
        if (state.window() != c.beacon().window() || state.ratio() != c.beacon().ratio() || state.layers() != c.numLayers() || state.kvDim() != c.kvDim()) {
            throw new IllegalArgumentException("memory state (window " + state.window() + ", ratio " + state.ratio() + ", " + state.layers()
                    + " layers, kv dim " + state.kvDim() + ") does not fit this model (window " + c.beacon().window() + ", ratio "
                    + c.beacon().ratio() + ", " + c.numLayers() + " layers, kv dim " + c.kvDim() + ")");
        }
        BeaconMemory m = new BeaconMemory(model);
        try {
            int n = c.beacon().beaconsPerWindow();
            Shape rowShape = new Shape(n, c.numKvHeads(), c.headDim());
            List<NDList> ks = new ArrayList<>();
            List<NDList> vs = new ArrayList<>();
            for (int l = 0; l < c.numLayers(); l++) {
                ks.add(new NDList());
                vs.add(new NDList());
            }
            for (byte[] window : state.windows()) {
                ByteBuffer b = ByteBuffer.wrap(window).order(ByteOrder.LITTLE_ENDIAN);
                for (int l = 0; l < c.numLayers(); l++) {
                    ks.get(l).add(m.upload(b, rowShape));
                    vs.get(l).add(m.upload(b, rowShape));
                }
            }
            if (!state.windows().isEmpty()) {
                List<LayerKv> kv = new ArrayList<>();
                for (int l = 0; l < c.numLayers(); l++) {
                    NDArray k = m.joinAndClose(ks.get(l));
                    kv.add(new LayerKv(k, model.rotateKeys(m.manager, k, 0), m.joinAndClose(vs.get(l))));
                }
                m.kv = kv;
            }
            m.windows = state.windows().size();
            m.pending = state.pending();
            return m;
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    private NDArray upload(ByteBuffer b, Shape shape) {
        float[] f = new float[Math.toIntExact(shape.size())];
        b.asFloatBuffer().get(f);
        b.position(b.position() + f.length * Float.BYTES);
        NDArray a = manager.create(f, shape);
        if (model.device().dataType() == DataType.FLOAT32) return a;
        NDArray converted = a.toType(model.device().dataType(), false);
        a.close();
        return converted;
    }

    private NDArray joinAndClose(NDList parts) {
        if (parts.size() == 1) return parts.get(0);
        NDArray joined = NDArrays.concat(parts, 0);
        joined.attach(manager);
        parts.close();
        return joined;
    }

    /** Appends raw tokens to the stream; every window they complete is compressed into beacons. */
    public void extend(int[] tokens) {
        BeaconSettings b = model.beacon();
        int[] all = new int[pending.length + tokens.length];
        System.arraycopy(pending, 0, all, 0, pending.length);
        System.arraycopy(tokens, 0, all, pending.length, tokens.length);
        int pos = 0;
        while (all.length - pos >= b.window()) {
            int[] slots = Interleaver.slots(all, pos, b.window(), 0, b.ratio(), model.config().beaconTokenId());
            try (NDManager scope = manager.newSubManager()) {
                BeaconModel.Output out = model.forward(scope, kv, null, slots, BeaconModel.Logits.NONE);
                appendBeacons(scope, out.kv(), slots);
            }
            windows++;
            pos += b.window();
        }
        pending = Arrays.copyOfRange(all, pos, all.length);
    }

    /** Keeps only the beacon rows of a finished window, appended after the existing memory. */
    private void appendBeacons(NDManager scope, List<LayerKv> windowKv, int[] slots) {
        NDArray idx = beaconRows(scope, slots, model.config().beaconTokenId());
        long from = memoryRows();
        List<LayerKv> next = new ArrayList<>();
        for (int l = 0; l < windowKv.size(); l++) {
            NDArray k = windowKv.get(l).k().get(idx);
            LayerKv old = kv == null ? null : kv.get(l);
            next.add(new LayerKv(append(old == null ? null : old.k(), k),
                    append(old == null ? null : old.kRot(), model.rotateKeys(scope, k, from)),
                    append(old == null ? null : old.v(), windowKv.get(l).v().get(idx))));
        }
        if (kv != null) kv.forEach(LayerKv::close);
        kv = next;
    }

    private NDArray append(NDArray old, NDArray rows) {
        NDArray joined = old == null ? rows.duplicate() : old.concat(rows, 0);
        joined.attach(manager);
        return joined;
    }

    static NDArray beaconRows(NDManager m, int[] slots, int beaconId) {
        return m.create(java.util.stream.IntStream.range(0, slots.length).filter(i -> slots[i] == beaconId).mapToLong(i -> i).toArray());
    }

    public BeaconModel model() {
        return model;
    }

    /** Kept beacon K/V per layer (null when no window is complete); read-only for sessions. */
    List<LayerKv> kv() {
        return kv;
    }

    public int windowCount() {
        return windows;
    }

    /** Beacon rows per layer: windows * window / ratio. */
    public long memoryRows() {
        return kv == null ? 0 : kv.get(0).rows();
    }

    public int[] pending() {
        return pending.clone();
    }

    public long tokenCount() {
        return (long) windows * model.beacon().window() + pending.length;
    }

    /** One full window's beacon K/V as bytes (layout in {@link MemoryState}). */
    public byte[] exportWindow(int index) {
        if (index < 0 || index >= windows) throw new IndexOutOfBoundsException("window " + index + " of " + windows);
        ModelConfig c = model.config();
        int n = c.beacon().beaconsPerWindow();
        ByteBuffer out = ByteBuffer.allocate(MemoryState.windowBytes(c.beacon().window(), c.beacon().ratio(), c.numLayers(), c.kvDim()))
                .order(ByteOrder.LITTLE_ENDIAN);
        NDIndex rows = new NDIndex((long) index * n + ":" + (long) (index + 1) * n);
        try (NDManager scope = manager.newSubManager()) {
            for (LayerKv layer : kv) {
                for (NDArray a : new NDArray[] {layer.k(), layer.v()}) {
                    NDArray slice = a.get(scope, rows).toType(DataType.FLOAT32, false);
                    for (float f : slice.toFloatArray()) out.putFloat(f);
                }
            }
        }
        return out.array();
    }

    public MemoryState export() {
        List<byte[]> all = new ArrayList<>();
        for (int i = 0; i < windows; i++) all.add(exportWindow(i));
        BeaconSettings b = model.beacon();
        return new MemoryState(b.window(), b.ratio(), model.config().numLayers(), model.config().kvDim(), all, pending,
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
