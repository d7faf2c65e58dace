package dev.memorag.worker.model;

import java.util.ArrayList;
import java.util.List;

/** Names and shapes of every tensor of a beacon checkpoint, shared by the loader and the tiny-checkpoint writer. */
public final class WeightLayout {
    public record Spec(String name, long[] shape) {}

    private WeightLayout() {}

    public static String layer(int i, String suffix) {
        return "model.layers." + i + "." + suffix;
    }

    public static List<Spec> of(ModelConfig c) {
        long h = c.hiddenSize();
        long q = (long) c.numHeads() * c.headDim();
        long kv = c.kvDim();
        List<Spec> out = new ArrayList<>();
        out.add(new Spec("model.embed_tokens.weight", new long[] {c.vocabSize(), h}));
        out.add(new Spec("model.beacon_embed_tokens.weight", new long[] {1, h}));
        for (int i = 0; i < c.numLayers(); i++) {
            out.add(new Spec(layer(i, "input_layernorm.weight"), new long[] {h}));
            for (String prefix : new String[] {"", "beacon_"}) {
                out.add(new Spec(layer(i, "self_attn." + prefix + "q_proj.weight"), new long[] {q, h}));
                out.add(new Spec(layer(i, "self_attn." + prefix + "k_proj.weight"), new long[] {kv, h}));
                out.add(new Spec(layer(i, "self_attn." + prefix + "v_proj.weight"), new long[] {kv, h}));
                if (c.qkvBias()) {
                    out.add(new Spec(layer(i, "self_attn." + prefix + "q_proj.bias"), new long[] {q}));
                    out.add(new Spec(layer(i, "self_attn." + prefix + "k_proj.bias"), new long[] {kv}));
                    out.add(new Spec(layer(i, "self_attn." + prefix + "v_proj.bias"), new long[] {kv}));
                }
            }
            out.add(new Spec(layer(i, "self_attn.o_proj.weight"), new long[] {h, q}));
            out.add(new Spec(layer(i, "post_attention_layernorm.weight"), new long[] {h}));
            out.add(new Spec(layer(i, "mlp.gate_proj.weight"), new long[] {c.intermediateSize(), h}));
            out.add(new Spec(layer(i, "mlp.up_proj.weight"), new long[] {c.intermediateSize(), h}));
            out.add(new Spec(layer(i, "mlp.down_proj.weight"), new long[] {h, c.intermediateSize()}));
        }
        out.add(new Spec("model.norm.weight", new long[] {h}));
        if (!c.tieWordEmbeddings()) out.add(new Spec("lm_head.weight", new long[] {c.vocabSize(), h}));
        return out;
    }
}
