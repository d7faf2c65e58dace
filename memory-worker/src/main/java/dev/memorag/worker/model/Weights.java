package dev.memorag.worker.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Model parameters on the compute device, owned by one NDManager. Linear weights are kept as
 * transposed views [in, out] so activations (the per-call operand) come first in every matMul and
 * results attach to the caller's scope, not to this manager.
 */
public final class Weights implements AutoCloseable {
    /** Row chunk size when uploading, so a 150K x 3584 embedding never needs one huge Java buffer. */
    private static final long CHUNK_ELEMENTS = 1L << 24;

    /** One projection: transposed weight and optional bias. */
    public record Linear(NDArray wT, NDArray bias) {
        NDArray apply(NDArray x) {
            NDArray y = x.matMul(wT);
            return bias == null ? y : y.addi(bias);
        }
    }

    public record Layer(NDArray inputNorm, Linear q, Linear k, Linear v, Linear beaconQ, Linear beaconK, Linear beaconV,
                        Linear o, NDArray postNorm, Linear gate, Linear up, Linear down) {}

    private final NDManager manager;
    final NDArray embed;
    final NDArray beaconEmbed;
    final List<Layer> layers;
    final NDArray finalNorm;
    final NDArray lmHeadT;

    private Weights(NDManager manager, NDArray embed, NDArray beaconEmbed, List<Layer> layers, NDArray finalNorm, NDArray lmHeadT) {
        this.manager = manager;
        this.embed = embed;
        this.beaconEmbed = beaconEmbed;
        this.layers = layers;
        this.finalNorm = finalNorm;
        this.lmHeadT = lmHeadT;
    }

    public static Weights load(Checkpoint ckpt, ModelConfig c, ComputeDevice device, NDManager parent) {
        NDManager m = parent.newSubManager(device.device());
        try {
            Loader l = new Loader(ckpt, m, device.dataType());
            long h = c.hiddenSize();
            long q = (long) c.numHeads() * c.headDim();
            long kv = c.kvDim();
            long inter = c.intermediateSize();
            NDArray embed = l.tensor("model.embed_tokens.weight", c.vocabSize(), h);
            NDArray beacon = l.tensor("model.beacon_embed_tokens.weight", 1, h);
            List<Layer> layers = new ArrayList<>();
            for (int i = 0; i < c.numLayers(); i++) {
                layers.add(new Layer(
                        l.tensor(WeightLayout.layer(i, "input_layernorm.weight"), h),
                        l.linear(i, "self_attn.q_proj", q, h, c.qkvBias()),
                        l.linear(i, "self_attn.k_proj", kv, h, c.qkvBias()),
                        l.linear(i, "self_attn.v_proj", kv, h, c.qkvBias()),
                        l.linear(i, "self_attn.beacon_q_proj", q, h, c.qkvBias()),
                        l.linear(i, "self_attn.beacon_k_proj", kv, h, c.qkvBias()),
                        l.linear(i, "self_attn.beacon_v_proj", kv, h, c.qkvBias()),
                        l.linear(i, "self_attn.o_proj", h, q, false),
                        l.tensor(WeightLayout.layer(i, "post_attention_layernorm.weight"), h),
                        l.linear(i, "mlp.gate_proj", inter, h, false),
                        l.linear(i, "mlp.up_proj", inter, h, false),
                        l.linear(i, "mlp.down_proj", h, inter, false)));
            }
            NDArray norm = l.tensor("model.norm.weight", h);
            NDArray lmHeadT = c.tieWordEmbeddings() ? embed.transpose() : l.tensor("lm_head.weight", c.vocabSize(), h).transpose();
            return new Weights(m, embed, beacon, List.copyOf(layers), norm, lmHeadT);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /** Reads shape-checked tensors from the checkpoint into the manager, converting to the compute dtype. */
    private record Loader(Checkpoint ckpt, NDManager m, DataType dtype) {
        NDArray tensor(String name, long... shape) {
            long rows = shape[0];
            long rowElems = 1;
            for (int i = 1; i < shape.length; i++) rowElems *= shape[i];
            long step = Math.max(1, CHUNK_ELEMENTS / rowElems);
            NDList chunks = new NDList();
            try {
                for (long from = 0; from < rows; from += step) {
                    long to = Math.min(rows, from + step);
                    FloatBuffer buf = ckpt.readRows(name, shape, from, to);
                    long[] chunkShape = shape.clone();
                    chunkShape[0] = to - from;
                    NDArray chunk = m.create(buf, new Shape(chunkShape), DataType.FLOAT32);
                    if (dtype != DataType.FLOAT32) {
                        NDArray converted = chunk.toType(dtype, false);
                        chunk.close();
                        chunk = converted;
                    }
                    chunks.add(chunk);
                }
                if (chunks.size() == 1) return chunks.get(0);
                // One concat at the end: joining chunk by chunk would copy a large embedding quadratically.
                NDArray out = NDArrays.concat(chunks, 0);
                chunks.close();
                return out;
            } catch (RuntimeException e) {
                chunks.close();
                throw e;
            }
        }

        Linear linear(int layer, String name, long out, long in, boolean bias) {
            NDArray w = tensor(WeightLayout.layer(layer, name + ".weight"), out, in);
            NDArray b = bias ? tensor(WeightLayout.layer(layer, name + ".bias"), out) : null;
            return new Linear(w.transpose(), b);
        }
    }

    /** Arrays live in this manager; tests use it to check nothing else accumulates here. */
    public NDManager manager() {
        return manager;
    }

    @Override
    public void close() {
        manager.close();
    }
}
