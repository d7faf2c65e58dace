package dev.memorag.worker.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.memorag.worker.model.ForwardProfile.Stage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The decoder (qwen2 / mistral) with activation-beacon attention. One call of {@link #forward}
 * runs new slots (raw tokens and beacon slots) over [kept beacons | earlier slots of the current
 * window] with plain causal attention ("full-coverage"). Positions run 0..T-1 over that
 * concatenation: kept beacons sit at 0..B-1 and the current window continues from B. Keys are kept
 * before RoPE (a beacon moves from its window position to a memory position when its window is
 * compressed) next to their rotation at the current position, so a call rotates only its new slots.
 */
public final class BeaconModel implements AutoCloseable {
    /** Which logits a forward call computes: none (memorization) or those after the last raw slot. */
    public enum Logits {
        NONE,
        LAST_RAW
    }

    /**
     * New keys/values of the slots (per layer) and the next-token logits in FP32 ([vocab], null for NONE), all attached
     * to the caller's manager: a greedy caller takes the argmax there and only one index crosses to Java.
     */
    public record Output(List<LayerKv> kv, NDArray logits) {}

    /**
     * Default bound on attention scores held at once (elements, 16 MiB in FP32) where attention is not the fused CPU
     * kernel. Larger chunks were much slower on CPU: glibc serves allocations above its mmap threshold with fresh
     * pages every time, and faulting them in dominated scores and softmax.
     */
    static final long SCORE_ELEMENTS = 4L << 20;

    private final ModelConfig config;
    private final ComputeDevice device;
    private final NDManager manager;
    private final Weights weights;
    private final LayerKernels kernels;
    private NDArray ropeCos;
    private NDArray ropeSin;
    private int ropeCapacity;
    private volatile long scoreElements = SCORE_ELEMENTS;
    private volatile ForwardProfile profile;

    private BeaconModel(
            ModelConfig config, ComputeDevice device, NDManager manager, Weights weights, LayerKernels kernels) {
        this.config = config;
        this.device = device;
        this.manager = manager;
        this.weights = weights;
        this.kernels = kernels;
    }

    /**
     * Loads a checkpoint directory. {@code settings} overrides the beacon window/ratio from config.json
     * (null keeps them), as MemoRAG does with beacon_ratio=[4].
     */
    public static BeaconModel load(Path dir, ComputeDevice device, BeaconSettings settings) {
        NDManager manager = NDManager.newBaseManager(device.device());
        try (Checkpoint ckpt = Checkpoint.open(dir)) {
            ModelConfig config =
                    settings == null ? ckpt.config() : ckpt.config().withBeacon(settings);
            Weights weights = Weights.load(ckpt, config, device, manager);
            return new BeaconModel(config, device, manager, weights, LayerKernels.load(manager));
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    public ModelConfig config() {
        return config;
    }

    public BeaconSettings beacon() {
        return config.beacon();
    }

    public ComputeDevice device() {
        return device;
    }

    /** For the start log: device, precision and how attention runs. */
    public String describe() {
        return device.describe() + "; " + kernels.describe();
    }

    /** The parameters; benchmarks multiply them bare. */
    Weights weights() {
        return weights;
    }

    /** The model's own manager (weights and RoPE tables); tests check it does not accumulate arrays. */
    public NDManager manager() {
        return manager;
    }

    /**
     * Runs {@code slots} (token ids, {@link ModelConfig#beaconTokenId()} for beacon slots) after the cached rows
     * {@code cached}: segments in position order (blocks of kept beacons, then earlier slots of this window), each one
     * {@link LayerKv} per layer; empty for none. Everything temporary is closed before returning.
     */
    public Output forward(NDManager out, List<List<LayerKv>> cached, int[] slots, Logits logits) {
        ForwardProfile profile = this.profile;
        long t0 = profile == null ? 0 : System.nanoTime();
        try {
            if (weights.halfGemv(slots.length)) {
                Output fast = run(out, cached, slots, logits, true);
                if (fast != null) return fast;
                if (profile != null) profile.addRecomputed();
            }
            return run(out, cached, slots, logits, false);
        } finally {
            if (profile != null) profile.addForward(System.nanoTime() - t0);
        }
    }

    /**
     * One forward; with {@code halfGemv} (2-byte weights, few slots) the projections use the FP16 GEMV and the result
     * is null if any of them overflowed FP16. One check per forward finds that: an infinite projection output makes
     * its slot's residual stream non-finite for good (inf times a weight or probability is inf, or NaN where that is
     * 0; sums with inf stay inf or NaN; the norms read but never replace the stream) except through the keys, whose
     * infinity can vanish in a zero softmax weight; so the check sums each layer's new keys, the final stream and the
     * logits.
     */
    private Output run(NDManager out, List<List<LayerKv>> cached, int[] slots, Logits logits, boolean halfGemv) {
        int s = slots.length;
        long past = cached.stream().mapToLong(part -> part.get(0).rows()).sum();
        int total = Math.toIntExact(past + s);
        int beaconId = config.beaconTokenId();
        long[] ids = new long[s];
        List<Long> rawIdx = new ArrayList<>();
        List<Long> beaconIdx = new ArrayList<>();
        for (int i = 0; i < s; i++) {
            boolean beacon = slots[i] == beaconId;
            ids[i] = beacon ? 0 : slots[i];
            (beacon ? beaconIdx : rawIdx).add((long) i);
        }
        try (NDScope scope = new NDScope()) {
            // Only the new slots are rotated; cached rows carry their rotated keys.
            NDArray[] rope = timed(Stage.ROPE, () -> rope(past, total));
            NDArray cos = rope[0];
            NDArray sin = rope[1];
            Rows rows = new Rows(out, rawIdx, beaconIdx, s, halfGemv);
            NDArray x = timed(Stage.EMBED, () -> embed(out, ids, rows));
            double scale = 1.0 / Math.sqrt(config.headDim());
            double eps = config.rmsNormEps();
            List<LayerKv> newKv = new ArrayList<>();
            NDList overflowChecks = new NDList();
            for (int l = 0; l < config.numLayers(); l++) {
                Weights.Layer w = weights.layers.get(l);
                int layer = l;
                NDArray xIn = x;
                // A layer's temporaries are freed before the next layer: over a forward they add up to gigabytes.
                NDList kept = scoped(() -> {
                    NDArray h = timed(Stage.NORM, () -> kernels.rmsNorm(xIn, w.inputNorm(), eps));
                    NDArray qkv = timed(Stage.PROJ_QKV, () -> rows.project(h, w.qkv(), w.beaconQkv()));
                    LayerKernels.Attended a = timed(
                            Stage.ATTENTION,
                            () -> kernels.attend(
                                    qkv,
                                    config.numHeads(),
                                    config.numKvHeads(),
                                    segments(cached, layer, true),
                                    segments(cached, layer, false),
                                    cos,
                                    sin,
                                    scale,
                                    scoreElements));
                    NDArray o = timed(Stage.PROJ_O, () -> w.o().apply(a.out(), halfGemv));
                    NDArray[] streamAndNorm = timed(Stage.NORM, () -> kernels.addRmsNorm(xIn, o, w.postNorm(), eps));
                    NDArray gateUp = timed(Stage.MLP_GATE_UP, () -> w.gateUp().apply(streamAndNorm[1], halfGemv));
                    NDArray act = timed(Stage.ELEMENTWISE, () -> kernels.swiglu(gateUp));
                    NDArray down = timed(Stage.MLP_DOWN, () -> w.down().apply(act, halfGemv));
                    // Not addi: the kernels' outputs are inference tensors, which take no in-place update.
                    NDList result = new NDList(streamAndNorm[0].add(down), a.k(), a.kRot(), a.v());
                    if (halfGemv) result.add(timed(Stage.OVERFLOW_CHECK, () -> a.k().sum()));
                    return result;
                });
                x = kept.get(0);
                newKv.add(new LayerKv(kept.get(1), kept.get(2), kept.get(3)));
                if (halfGemv) overflowChecks.add(kept.get(4));
            }
            NDArray lg = null;
            if (logits == Logits.LAST_RAW && !rawIdx.isEmpty()) {
                long last = rawIdx.get(rawIdx.size() - 1); // a trailing beacon slot's logits are discarded
                NDArray xLast = x;
                NDArray h = timed(
                        Stage.NORM,
                        () -> kernels.rmsNorm(xLast.get(new NDIndex(last + ":" + (last + 1))), weights.finalNorm, eps));
                lg = timed(
                        Stage.LM_HEAD,
                        () -> weights.lmHead
                                .apply(h, halfGemv)
                                .toType(DataType.FLOAT32, false)
                                .reshape(-1));
            }
            if (halfGemv && !finite(overflowChecks, x, lg)) return null;
            if (lg != null) keep(lg, out);
            for (LayerKv kv : newKv) {
                keep(kv.k(), out);
                keep(kv.kRot(), out);
                keep(kv.v(), out);
            }
            return new Output(newKv, lg);
        }
    }

    /** Whether the layers' key sums, the final residual stream and the logits (may be null) are all finite. */
    private boolean finite(NDList keySums, NDArray x, NDArray logits) {
        return timed(Stage.OVERFLOW_CHECK, () -> {
            keySums.add(x.sum());
            if (logits != null) keySums.add(logits.sum());
            return Float.isFinite(NDArrays.stack(keySums).sum().getFloat());
        });
    }

    /** Moves {@code a} from the current scope to {@code out}. */
    private static void keep(NDArray a, NDManager out) {
        a.attach(out);
        NDScope.unregister(a);
    }

    /** Sets the profile a benchmark reads stage times from (null: no timing, the default). */
    void profile(ForwardProfile profile) {
        this.profile = profile;
    }

    /** Runs {@code body}, adding its wall time to {@code stage} when a profile is set. */
    private <T> T timed(Stage stage, Supplier<T> body) {
        ForwardProfile p = profile;
        return p == null ? body.get() : p.time(stage, body);
    }

    /** Runs {@code body} in its own scope: what it returns moves to the enclosing scope, everything else is closed. */
    private NDList scoped(Supplier<NDList> body) {
        NDList kept;
        NDScope scope = new NDScope();
        try {
            kept = body.get();
            NDScope.unregister(kept);
        } finally {
            timed(Stage.FREE, () -> {
                scope.close();
                return null;
            });
        }
        kept.forEach(NDScope::register);
        return kept;
    }

    /**
     * Row selection for the separate beacon projections: raw rows and beacon rows are projected apart, then
     * re-interleaved. The index arrays exist only when the slots mix both kinds (a decode step has one raw slot).
     */
    private static final class Rows {
        final NDArray rawIndex;
        final NDArray beaconIndex;
        final NDArray inverse;
        final boolean allRaw;
        final boolean allBeacon;
        final int beacons;
        final boolean halfGemv;

        Rows(NDManager m, List<Long> raw, List<Long> beacon, int s, boolean halfGemv) {
            this.halfGemv = halfGemv;
            allRaw = beacon.isEmpty();
            allBeacon = raw.isEmpty();
            beacons = beacon.size();
            if (allRaw || allBeacon) {
                rawIndex = beaconIndex = inverse = null;
                return;
            }
            rawIndex = m.create(raw.stream().mapToLong(Long::longValue).toArray());
            beaconIndex = m.create(beacon.stream().mapToLong(Long::longValue).toArray());
            long[] inv = new long[s];
            for (int i = 0; i < raw.size(); i++) inv[Math.toIntExact(raw.get(i))] = i;
            for (int i = 0; i < beacon.size(); i++) inv[Math.toIntExact(beacon.get(i))] = raw.size() + i;
            inverse = m.create(inv);
        }

        NDArray project(NDArray h, Weights.Linear rawProj, Weights.Linear beaconProj) {
            if (allRaw) return rawProj.apply(h, halfGemv);
            if (allBeacon) return beaconProj.apply(h, halfGemv);
            NDArray r = rawProj.apply(h.get(rawIndex), halfGemv);
            NDArray b = beaconProj.apply(h.get(beaconIndex), halfGemv);
            return r.concat(b, 0).get(inverse);
        }
    }

    private NDArray embed(NDManager m, long[] ids, Rows rows) {
        if (rows.allRaw) return tokenRows(m.create(ids));
        NDArray beacons = weights.beaconEmbed.repeat(0, rows.beacons);
        if (rows.allBeacon) return beacons;
        NDArray tok = tokenRows(m.create(ids).get(rows.rawIndex));
        return tok.concat(beacons, 0).get(rows.inverse);
    }

    /** Embedding rows of token ids in the compute dtype (the table may be stored in 2 bytes). */
    private NDArray tokenRows(NDArray ids) {
        NDArray rows = weights.embed.get(ids);
        return rows.getDataType() == device.dataType() ? rows : rows.toType(device.dataType(), false);
    }

    /** The cached rotated keys or values of one layer, segment by segment where they lie (never joined: a copy). */
    private static List<NDArray> segments(List<List<LayerKv>> cached, int layer, boolean keys) {
        List<NDArray> parts = new ArrayList<>(cached.size());
        for (List<LayerKv> part : cached)
            parts.add(keys ? part.get(layer).kRot() : part.get(layer).v());
        return parts;
    }

    /**
     * cos and sin of positions {@code [from, to)}, shaped [to - from, 1, headDim], in the caller's scope. The tables
     * grow by doubling and a growth closes the old ones, so the rows are cut under the same lock: a cut shares its
     * table's storage, which libtorch keeps alive for it after the table's handle is closed, so recall threads and
     * the memorizer may grow the tables while others still read rows of the old ones.
     */
    private synchronized NDArray[] rope(long from, long to) {
        if (to > ropeCapacity) {
            int cap = Math.toIntExact(Math.max(to, Math.max(4096, ropeCapacity * 2L)));
            int hd = config.headDim();
            float[] cos = new float[cap * hd];
            float[] sin = new float[cap * hd];
            RopeTable.fill(config.ropeTheta(), hd, 0, cap, cos, sin);
            NDArray c = manager.create(cos, new Shape(cap, hd)).toType(device.dataType(), false);
            NDArray sn = manager.create(sin, new Shape(cap, hd)).toType(device.dataType(), false);
            NDScope.unregister(c, sn);
            c.attach(manager);
            sn.attach(manager);
            if (ropeCos != null) {
                ropeCos.close();
                ropeSin.close();
            }
            ropeCos = c;
            ropeSin = sn;
            ropeCapacity = cap;
        }
        NDIndex rows = new NDIndex(from + ":" + to);
        return new NDArray[] {ropeCos.get(rows).expandDims(1), ropeSin.get(rows).expandDims(1)};
    }

    /** K/V blocks of this model's layers and KV heads, with elements of {@code type}. */
    KvBlock.Layout kvLayout(DataType type) {
        return new KvBlock.Layout(config.numLayers(), config.numKvHeads(), config.headDim(), type);
    }

    /** Pre-RoPE keys [rows, kvHeads, headDim] rotated at positions from, from+1, ... (result attached to {@code out}). */
    NDArray rotateKeys(NDManager out, NDArray k, long from) {
        long rows = k.getShape().get(0);
        try (NDScope scope = new NDScope()) {
            NDArray[] rope = rope(from, from + rows);
            NDArray r = kernels.rotate(k, rope[0], rope[1]);
            r.attach(out);
            NDScope.unregister(r);
            return r;
        }
    }

    /**
     * The beacon rows {@code index} of a finished window's K/V as a memory keeps them from its row {@code from} on: in
     * the model's precision, keys rotated again at their memory positions (all attached to {@code scope}).
     */
    List<LayerKv> keptBeacons(NDManager scope, List<LayerKv> window, NDArray index, long from) {
        List<LayerKv> kept = new ArrayList<>(window.size());
        for (LayerKv kv : window) {
            NDArray k = keptRows(scope, kv.k().get(index));
            kept.add(new LayerKv(
                    k, rotateKeys(scope, k, from), keptRows(scope, kv.v().get(index))));
        }
        return kept;
    }

    /**
     * Rows of a finished window as the memory keeps them: in {@link ComputeDevice#rowType}. A BF16 model on CPU
     * computes in FP32 and holds rows in FP16, so they are rounded to BF16 first; a memory then holds the same values
     * whether it was just computed or restored from its BF16 rows.
     */
    private NDArray keptRows(NDManager out, NDArray rows) {
        return rows.getDataType() == device.rowType() ? rows : heldRows(out, rows.toFloatArray(), rows.getShape());
    }

    /**
     * FP32 {@code values} of memory rows (computed, or read back) as this model holds them, attached to {@code out}; for
     * FP16 rows the values are rounded in place first.
     */
    NDArray heldRows(NDManager out, float[] values, Shape shape) {
        DataType held = device.rowType();
        if (held == DataType.FLOAT16) {
            for (int i = 0; i < values.length; i++) values[i] = TensorDType.bf16ForFp16(values[i]);
        }
        NDArray rows = out.create(values, shape);
        return held == DataType.FLOAT32 ? rows : rows.toType(held, false);
    }

    /** Changes the attention chunk bound of the math kernel (tests force many small query chunks with it). */
    void setScoreElements(long elements) {
        this.scoreElements = elements;
    }

    /** Forces the attention kernel's mode (tests run the math kernel on CPU). */
    void attentionMode(LayerKernels.Mode mode) {
        kernels.mode(mode);
    }

    @Override
    public void close() {
        kernels.close();
        weights.close();
        manager.close();
    }
}
