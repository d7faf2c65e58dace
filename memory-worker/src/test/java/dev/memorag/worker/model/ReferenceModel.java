package dev.memorag.worker.model;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Plain-Java (float arrays, double accumulation) beacon model, written straight from the algorithm
 * and independent of DJL: the oracle the DJL implementation is checked against. Slow by design;
 * tests only. It recomputes everything from token ids: for each full window one forward over
 * [memory | window slots], keeping beacon K/V; the partial window is run last.
 */
final class ReferenceModel {
    final ModelConfig c;
    private final float[] embed;
    private final float[] beaconEmbed;
    private final float[] finalNorm;
    private final float[] lmHead;
    private final List<Layer> layers = new ArrayList<>();

    private record Lin(float[] w, float[] b, int out, int in) {
        float[] apply(float[] x) {
            float[] y = new float[out];
            for (int o = 0; o < out; o++) {
                double acc = b == null ? 0 : b[o];
                int base = o * in;
                for (int i = 0; i < in; i++) acc += (double) x[i] * w[base + i];
                y[o] = (float) acc;
            }
            return y;
        }
    }

    private record Layer(
            float[] inNorm,
            Lin q,
            Lin k,
            Lin v,
            Lin bq,
            Lin bk,
            Lin bv,
            Lin o,
            float[] postNorm,
            Lin gate,
            Lin up,
            Lin down) {}

    /** Beacon K/V kept so far (per layer, rows of kvDim, pre-RoPE) and raw-slot logits of the last forward. */
    static final class Memory {
        final List<List<float[]>> k = new ArrayList<>();
        final List<List<float[]>> v = new ArrayList<>();
    }

    ReferenceModel(Path dir, BeaconSettings settings) {
        try (Checkpoint ck = Checkpoint.open(dir)) {
            c = ck.config().withBeacon(settings);
            int h = c.hiddenSize();
            int q = c.numHeads() * c.headDim();
            int kv = c.kvDim();
            int in = c.intermediateSize();
            embed = arr(ck.read("model.embed_tokens.weight", c.vocabSize(), h));
            beaconEmbed = arr(ck.read("model.beacon_embed_tokens.weight", 1, h));
            for (int i = 0; i < c.numLayers(); i++) {
                layers.add(new Layer(
                        arr(ck.read(WeightLayout.layer(i, "input_layernorm.weight"), h)),
                        lin(ck, i, "self_attn.q_proj", q, h, c.qkvBias()),
                        lin(ck, i, "self_attn.k_proj", kv, h, c.qkvBias()),
                        lin(ck, i, "self_attn.v_proj", kv, h, c.qkvBias()),
                        lin(ck, i, "self_attn.beacon_q_proj", q, h, c.qkvBias()),
                        lin(ck, i, "self_attn.beacon_k_proj", kv, h, c.qkvBias()),
                        lin(ck, i, "self_attn.beacon_v_proj", kv, h, c.qkvBias()),
                        lin(ck, i, "self_attn.o_proj", h, q, false),
                        arr(ck.read(WeightLayout.layer(i, "post_attention_layernorm.weight"), h)),
                        lin(ck, i, "mlp.gate_proj", in, h, false),
                        lin(ck, i, "mlp.up_proj", in, h, false),
                        lin(ck, i, "mlp.down_proj", h, in, false)));
            }
            finalNorm = arr(ck.read("model.norm.weight", h));
            lmHead = c.tieWordEmbeddings() ? embed : arr(ck.read("lm_head.weight", c.vocabSize(), h));
        }
    }

    private static float[] arr(FloatBuffer b) {
        float[] f = new float[b.remaining()];
        b.get(f);
        return f;
    }

    private static Lin lin(Checkpoint ck, int layer, String name, int out, int in, boolean bias) {
        return new Lin(
                arr(ck.read(WeightLayout.layer(layer, name + ".weight"), out, in)),
                bias ? arr(ck.read(WeightLayout.layer(layer, name + ".bias"), out)) : null,
                out,
                in);
    }

    /** Slots of raw tokens counted from a window start: a beacon after every r-th. */
    int[] interleave(int[] raw) {
        List<Integer> s = new ArrayList<>();
        for (int i = 0; i < raw.length; i++) {
            s.add(raw[i]);
            if ((i + 1) % c.beacon().ratio() == 0) s.add(c.beaconTokenId());
        }
        return s.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Memory of a whole stream (full windows only). */
    Memory memorize(int[] tokens) {
        Memory m = new Memory();
        for (int l = 0; l < c.numLayers(); l++) {
            m.k.add(new ArrayList<>());
            m.v.add(new ArrayList<>());
        }
        int w = c.beacon().window();
        for (int start = 0; start + w <= tokens.length; start += w) {
            int[] raw = java.util.Arrays.copyOfRange(tokens, start, start + w);
            int[] slots = interleave(raw);
            float[][][][] kvOut = new float[2][][][];
            forward(m, slots, kvOut, false);
            for (int l = 0; l < c.numLayers(); l++) {
                for (int i = 0; i < slots.length; i++) {
                    if (slots[i] == c.beaconTokenId()) {
                        m.k.get(l).add(kvOut[0][l][i]);
                        m.v.get(l).add(kvOut[1][l][i]);
                    }
                }
            }
        }
        return m;
    }

    /** Next-token logits after the whole stream (memory of full windows, then the partial window). */
    float[] lastLogits(int[] tokens) {
        Memory m = memorize(tokens);
        int w = c.beacon().window();
        int full = tokens.length / w * w;
        int[] raw = java.util.Arrays.copyOfRange(tokens, full, tokens.length);
        if (raw.length == 0) {
            // The last token completed a window: its logits come from that window's forward.
            Memory before = memorize(java.util.Arrays.copyOf(tokens, full - w));
            return forward(
                    before, interleave(java.util.Arrays.copyOfRange(tokens, full - w, full)), new float[2][][][], true);
        }
        return forward(m, interleave(raw), new float[2][][][], true);
    }

    /** One forward over [memory | slots]; fills kvOut[0|1][layer][slot] and returns the last raw slot's logits if asked. */
    private float[] forward(Memory m, int[] slots, float[][][][] kvOut, boolean logits) {
        int h = c.hiddenSize();
        int hd = c.headDim();
        int nh = c.numHeads();
        int nkv = c.numKvHeads();
        int group = nh / nkv;
        int s = slots.length;
        int b = m.k.get(0).size();
        int total = b + s;
        float[] cos = new float[total * hd];
        float[] sin = new float[total * hd];
        RopeTable.fill(c.ropeTheta(), hd, 0, total, cos, sin);
        float[][] x = new float[s][];
        for (int i = 0; i < s; i++) {
            x[i] = new float[h];
            if (slots[i] == c.beaconTokenId()) System.arraycopy(beaconEmbed, 0, x[i], 0, h);
            else System.arraycopy(embed, slots[i] * h, x[i], 0, h);
        }
        kvOut[0] = new float[c.numLayers()][s][];
        kvOut[1] = new float[c.numLayers()][s][];
        for (int l = 0; l < c.numLayers(); l++) {
            Layer L = layers.get(l);
            float[][] q = new float[s][];
            for (int i = 0; i < s; i++) {
                float[] hn = rms(x[i], L.inNorm());
                boolean beacon = slots[i] == c.beaconTokenId();
                q[i] = (beacon ? L.bq() : L.q()).apply(hn);
                kvOut[0][l][i] = (beacon ? L.bk() : L.k()).apply(hn);
                kvOut[1][l][i] = (beacon ? L.bv() : L.v()).apply(hn);
            }
            float[][] keys = new float[total][];
            float[][] values = new float[total][];
            for (int j = 0; j < total; j++) {
                float[] kRaw = j < b ? m.k.get(l).get(j) : kvOut[0][l][j - b];
                keys[j] = rope(kRaw, j, nkv, cos, sin);
                values[j] = j < b ? m.v.get(l).get(j) : kvOut[1][l][j - b];
            }
            float[][] next = new float[s][];
            for (int i = 0; i < s; i++) {
                float[] qi = rope(q[i], b + i, nh, cos, sin);
                float[] attn = new float[nh * hd];
                for (int head = 0; head < nh; head++) {
                    int g = head / group;
                    int visible = b + i + 1;
                    double[] sc = new double[visible];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < visible; j++) {
                        double dot = 0;
                        for (int d = 0; d < hd; d++) dot += (double) qi[head * hd + d] * keys[j][g * hd + d];
                        sc[j] = dot / Math.sqrt(hd);
                        max = Math.max(max, sc[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < visible; j++) {
                        sc[j] = Math.exp(sc[j] - max);
                        sum += sc[j];
                    }
                    for (int d = 0; d < hd; d++) {
                        double acc = 0;
                        for (int j = 0; j < visible; j++) acc += sc[j] / sum * values[j][g * hd + d];
                        attn[head * hd + d] = (float) acc;
                    }
                }
                float[] o = L.o().apply(attn);
                float[] x1 = new float[h];
                for (int d = 0; d < h; d++) x1[d] = x[i][d] + o[d];
                float[] hn = rms(x1, L.postNorm());
                float[] gate = L.gate().apply(hn);
                float[] up = L.up().apply(hn);
                float[] act = new float[gate.length];
                for (int d = 0; d < act.length; d++) act[d] = (float) (gate[d] / (1 + Math.exp(-gate[d])) * up[d]);
                float[] down = L.down().apply(act);
                next[i] = new float[h];
                for (int d = 0; d < h; d++) next[i][d] = x1[d] + down[d];
            }
            x = next;
        }
        if (!logits) return null;
        int last = s - 1;
        while (slots[last] == c.beaconTokenId()) last--;
        float[] hn = rms(x[last], finalNorm);
        float[] out = new float[c.vocabSize()];
        for (int t = 0; t < out.length; t++) {
            double acc = 0;
            for (int d = 0; d < h; d++) acc += (double) hn[d] * lmHead[t * h + d];
            out[t] = (float) acc;
        }
        return out;
    }

    private float[] rms(float[] x, float[] w) {
        double ss = 0;
        for (float f : x) ss += (double) f * f;
        double inv = 1.0 / Math.sqrt(ss / x.length + c.rmsNormEps());
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) y[i] = (float) (x[i] * inv * w[i]);
        return y;
    }

    /** rotate_half RoPE of every head of a row at one position. */
    private float[] rope(float[] row, int pos, int heads, float[] cos, float[] sin) {
        int hd = c.headDim();
        int half = hd / 2;
        float[] out = new float[row.length];
        for (int head = 0; head < heads; head++) {
            int o = head * hd;
            for (int d = 0; d < hd; d++) {
                float rot = d < half ? -row[o + d + half] : row[o + d - half];
                out[o + d] = (float) ((double) row[o + d] * cos[pos * hd + d] + (double) rot * sin[pos * hd + d]);
            }
        }
        return out;
    }
}
