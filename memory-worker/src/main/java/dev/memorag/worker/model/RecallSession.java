package dev.memorag.worker.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Continues a memory's token stream for one request, with a KV cache for the current window. It
 * reads the memory's arrays but never changes them: beacons of windows completed here are kept in
 * this session's own rows, after the memory's (neither is copied). Raw tokens keep getting beacons
 * after every r-th token and a window that fills up is compressed exactly like during memorization.
 * Because it shares the memory's arrays, the memory must not be extended or closed while a session
 * on it is open (callers serialize extend against recall); sessions on the same memory may run side
 * by side.
 */
public final class RecallSession implements AutoCloseable {
    private final BeaconModel model;
    private final NDManager manager;
    /** The memory's kept beacons (read only; null for a plain session). */
    private final MemoryRows memory;
    /** Beacons of windows completed in this session, after the memory's. */
    private final MemoryRows kept;
    /** K (pre-RoPE and rotated) and V of all slots of the current window so far. */
    private final WindowKv window;

    private int windowSlots;
    private int rawInWindow;
    /** Plain causal LM: no beacons, no compression, one growing KV cache (answers without a memory). */
    private final boolean plain;

    /** Continues {@code source}'s stream (its unfinished window is recomputed from its token ids). */
    public RecallSession(BeaconMemory source) {
        this(source.model(), source.rows(), source.pending(), false);
    }

    private RecallSession(BeaconModel model, MemoryRows memory, int[] pending, boolean plain) {
        this.model = model;
        this.manager = NDManager.newBaseManager(model.device().device());
        this.memory = memory;
        this.kept = BeaconMemory.keptRows(model, manager);
        this.plain = plain;
        BeaconSettings b = model.beacon();
        this.window = new WindowKv(
                manager, model.kvLayout(model.device().dataType()), plain ? 256 : b.window() + b.beaconsPerWindow());
        try {
            if (pending.length > 0) feed(pending, BeaconModel.Logits.NONE, logits -> null);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** A plain causal LM session over the same weights: ordinary attention, full KV cache, no beacons. */
    public static RecallSession plain(BeaconModel model) {
        return new RecallSession(model, null, new int[0], true);
    }

    /** Appends raw tokens; returns the next-token logits after the last one (vocab-sized). */
    public float[] feed(int[] tokens) {
        if (tokens.length == 0) throw new IllegalArgumentException("nothing to feed");
        return feed(tokens, BeaconModel.Logits.LAST_RAW, NDArray::toFloatArray);
    }

    /**
     * Appends tokens and returns what {@code read} takes from the logits after the last one (null when none are
     * wanted); {@code read} runs while the logits are alive on the device, so a greedy caller copies one index, not
     * the vocabulary.
     */
    private <T> T feed(int[] tokens, BeaconModel.Logits wanted, Function<NDArray, T> read) {
        BeaconSettings b = model.beacon();
        T result = null;
        int pos = 0;
        if (plain) {
            try (NDManager scope = manager.newSubManager()) {
                BeaconModel.Output out = model.forward(scope, cached(scope), tokens.clone(), wanted);
                window.append(out.kv());
                return out.logits() == null ? null : read.apply(out.logits());
            }
        }
        while (pos < tokens.length) {
            int count = Math.min(tokens.length - pos, b.window() - rawInWindow);
            int[] slots = Interleaver.slots(
                    tokens, pos, count, rawInWindow, b.ratio(), model.config().beaconTokenId());
            boolean last = pos + count == tokens.length;
            try (NDManager scope = manager.newSubManager()) {
                BeaconModel.Output out =
                        model.forward(scope, cached(scope), slots, last ? wanted : BeaconModel.Logits.NONE);
                if (last && out.logits() != null) result = read.apply(out.logits());
                window.append(out.kv());
            }
            windowSlots += slots.length;
            rawInWindow += count;
            pos += count;
            if (rawInWindow == b.window()) completeWindow();
        }
        return result;
    }

    /** What the next slots attend to: the memory's rows, this session's, the window's so far (those present). */
    private List<List<LayerKv>> cached(NDManager scope) {
        List<List<LayerKv>> parts = new ArrayList<>();
        if (memory != null) parts.addAll(memory.views(scope));
        parts.addAll(kept.views(scope));
        List<LayerKv> open = window.view(scope);
        if (open != null) parts.add(open);
        return parts;
    }

    /** Keeps the finished window's beacon rows after the kept ones and drops its raw rows. */
    private void completeWindow() {
        int[] kinds = new int[windowSlots];
        int ratio = model.beacon().ratio();
        int beaconId = model.config().beaconTokenId();
        for (int i = 0; i < windowSlots; i++) kinds[i] = (i + 1) % (ratio + 1) == 0 ? beaconId : 0;
        try (NDManager scope = manager.newSubManager()) {
            NDArray index = BeaconMemory.beaconRows(scope, kinds, beaconId);
            long from = (memory == null ? 0 : memory.rows()) + kept.rows();
            kept.append(model.keptBeacons(scope, window.view(scope), index, from));
        }
        window.clear();
        windowSlots = 0;
        rawInWindow = 0;
    }

    /**
     * Generates after {@code prompt}: each token is streamed to {@code listener}, fed back into the
     * stream, and generation stops at an EOS id, at maxNewTokens, or when the listener returns false.
     */
    public int[] generate(int[] prompt, GenerationOptions options, TokenListener listener) {
        if (prompt.length == 0) throw new IllegalArgumentException("nothing to feed");
        Sampler sampler = new Sampler(options);
        int next = feed(prompt, BeaconModel.Logits.LAST_RAW, sampler::next);
        List<Integer> out = new ArrayList<>();
        while (out.size() < options.maxNewTokens()) {
            if (options.stopTokenIds().contains(next)) break;
            out.add(next);
            if (!listener.onToken(next) || out.size() == options.maxNewTokens()) break;
            next = feed(new int[] {next}, BeaconModel.Logits.LAST_RAW, sampler::next);
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Arrays owned by this session; tests use it to check nothing accumulates. */
    public NDManager manager() {
        return manager;
    }

    @Override
    public void close() {
        manager.close();
    }
}
