package dev.memorag.worker.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Model parameters on the compute device, owned by one NDManager. Linear weights are kept as
 * transposed views [in, out] so activations (the per-call operand) come first in every matMul and
 * results attach to the caller's scope, not to this manager. The large matrices (embeddings, projections, LM head)
 * are stored in {@link ComputeDevice#weightType()}, norms and biases in the compute dtype.
 */
public final class Weights implements AutoCloseable {
    /** Row chunk size when uploading, so a 150K x 3584 embedding never needs one huge Java buffer. */
    private static final long CHUNK_ELEMENTS = 1L << 24;

    /** Up to this many rows a 2-byte weight may be multiplied by libtorch's FP16 GEMV; above, on its FP32 up-cast. */
    static final long GEMV_ROWS = 8;
    /** Largest finite FP16 value: weights beyond it cannot be held in the 2-byte CPU container. */
    private static final float FP16_MAX = 65504f;

    /** One projection: transposed weight and optional bias. */
    public record Linear(NDArray wT, NDArray bias) {
        /**
         * x times the weight, plus the bias. FP32 activations times a 2-byte FP16 weight (a BF16 model on CPU): with
         * {@code halfGemv} and at most {@link #GEMV_ROWS} rows (decode) through libtorch's FP16 GEMV, which reads the
         * weight as it is stored (activations rounded to FP16's 11-bit significand) but turns an activation or output
         * beyond 65504 into infinity, which the caller must detect ({@link BeaconModel} checks a forward once and
         * recomputes it without); otherwise on the weight up-cast to FP32 for this call (native FP16 GEMMs are very
         * slow here).
         */
        NDArray apply(NDArray x, boolean halfGemv) {
            NDArray y;
            if (wT.getDataType() == x.getDataType()) {
                y = x.matMul(wT);
            } else if (halfGemv && x.getShape().get(0) <= GEMV_ROWS) {
                y = x.toType(wT.getDataType(), false).matMul(wT).toType(x.getDataType(), false);
            } else {
                y = x.matMul(wT.toType(x.getDataType(), false));
            }
            return bias == null ? y : y.addi(bias);
        }
    }

    /**
     * One decoder layer. The projections that read the same input are stacked into one matrix each (q, k and v; the
     * beacon slots' q, k and v; MLP gate and up): a decode step multiplies a single row, where each matmul's fixed
     * cost rivals reading a small matrix, and the stacked output splits into views.
     */
    public record Layer(
            NDArray inputNorm, Linear qkv, Linear beaconQkv, Linear o, NDArray postNorm, Linear gateUp, Linear down) {}

    private final NDManager manager;
    final NDArray embed;
    final NDArray beaconEmbed;
    final List<Layer> layers;
    final NDArray finalNorm;
    final Linear lmHead;

    private Weights(
            NDManager manager,
            NDArray embed,
            NDArray beaconEmbed,
            List<Layer> layers,
            NDArray finalNorm,
            Linear lmHead) {
        this.manager = manager;
        this.embed = embed;
        this.beaconEmbed = beaconEmbed;
        this.layers = layers;
        this.finalNorm = finalNorm;
        this.lmHead = lmHead;
    }

    public static Weights load(Checkpoint ckpt, ModelConfig c, ComputeDevice device, NDManager parent) {
        NDManager m = parent.newSubManager(device.device());
        try {
            Loader l = new Loader(ckpt, m, device.weightType(), device.dataType());
            long h = c.hiddenSize();
            long q = (long) c.numHeads() * c.headDim();
            long kv = c.kvDim();
            long inter = c.intermediateSize();
            NDArray embed = l.matrix("model.embed_tokens.weight", c.vocabSize(), h);
            NDArray beacon = l.tensor("model.beacon_embed_tokens.weight", 1, h);
            List<Layer> layers = new ArrayList<>();
            for (int i = 0; i < c.numLayers(); i++) {
                layers.add(new Layer(
                        l.tensor(WeightLayout.layer(i, "input_layernorm.weight"), h),
                        l.stacked(
                                i,
                                h,
                                c.qkvBias(),
                                new Part("self_attn.q_proj", q),
                                new Part("self_attn.k_proj", kv),
                                new Part("self_attn.v_proj", kv)),
                        l.stacked(
                                i,
                                h,
                                c.qkvBias(),
                                new Part("self_attn.beacon_q_proj", q),
                                new Part("self_attn.beacon_k_proj", kv),
                                new Part("self_attn.beacon_v_proj", kv)),
                        l.stacked(i, q, false, new Part("self_attn.o_proj", h)),
                        l.tensor(WeightLayout.layer(i, "post_attention_layernorm.weight"), h),
                        l.stacked(i, h, false, new Part("mlp.gate_proj", inter), new Part("mlp.up_proj", inter)),
                        l.stacked(i, inter, false, new Part("mlp.down_proj", h))));
            }
            NDArray norm = l.tensor("model.norm.weight", h);
            NDArray lmHead = c.tieWordEmbeddings() ? embed : l.matrix("lm_head.weight", c.vocabSize(), h);
            return new Weights(m, embed, beacon, List.copyOf(layers), norm, new Linear(lmHead.transpose(), null));
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /** A projection of a layer by its checkpoint name (without ".weight") and its output size. */
    private record Part(String name, long out) {}

    /** Reads shape-checked tensors from the checkpoint into the manager: matrices in the weight dtype, the rest in the compute dtype. */
    private record Loader(Checkpoint ckpt, NDManager m, DataType weightType, DataType computeType) {
        NDArray matrix(String name, long... shape) {
            return read(name, weightType, shape);
        }

        NDArray tensor(String name, long... shape) {
            return read(name, computeType, shape);
        }

        private NDArray read(String name, DataType dtype, long... shape) {
            long elements = 1;
            for (long d : shape) elements *= d;
            return dtype == DataType.FLOAT16 && elements * 2 <= Integer.MAX_VALUE
                    ? half(name, elements, shape)
                    : chunked(name, dtype, shape);
        }

        /**
         * A tensor as 2-byte FP16, converted on the Java side into one direct buffer that becomes the tensor's storage
         * (DJL wraps a direct buffer without copying): no FP32 copy of the weight ever exists on the native side.
         */
        private NDArray half(String name, long elements, long... shape) {
            ByteBuffer half =
                    ByteBuffer.allocateDirect(Math.toIntExact(elements * 2)).order(ByteOrder.nativeOrder());
            long rows = shape[0];
            long step = Math.max(1, CHUNK_ELEMENTS / (elements / rows));
            for (long from = 0; from < rows; from += step) {
                FloatBuffer buf = ckpt.readRows(name, shape, from, Math.min(rows, from + step));
                checkHalfRange(name, buf);
                while (buf.hasRemaining()) half.putShort(TensorDType.floatToHalf(buf.get()));
            }
            return m.create(half.flip(), new Shape(shape), DataType.FLOAT16);
        }

        private NDArray chunked(String name, DataType dtype, long... shape) {
            long rows = shape[0];
            long rowElems = 1;
            for (int i = 1; i < shape.length; i++) rowElems *= shape[i];
            long step = Math.max(1, CHUNK_ELEMENTS / rowElems);
            NDList chunks = new NDList();
            try {
                for (long from = 0; from < rows; from += step) {
                    long to = Math.min(rows, from + step);
                    FloatBuffer buf = ckpt.readRows(name, shape, from, to);
                    if (dtype == DataType.FLOAT16) checkHalfRange(name, buf);
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

        private static void checkHalfRange(String name, FloatBuffer buf) {
            for (int i = buf.position(); i < buf.limit(); i++) {
                if (Math.abs(buf.get(i)) > FP16_MAX) {
                    throw new ModelLoadException(
                            "tensor '" + name + "' holds " + buf.get(i) + ", beyond the +-65504 of the 2-byte "
                                    + "FP16 tensors a BF16 model is held in on CPU: run it with MEMORAG_DTYPE=fp32");
                }
            }
        }

        /** The layer's projections {@code parts}, all of input size {@code in}, as one linear: their outputs in order. */
        Linear stacked(int layer, long in, boolean bias, Part... parts) {
            NDList weights = new NDList();
            NDList biases = new NDList();
            try {
                for (Part p : parts) {
                    weights.add(matrix(WeightLayout.layer(layer, p.name() + ".weight"), p.out(), in));
                    if (bias) biases.add(tensor(WeightLayout.layer(layer, p.name() + ".bias"), p.out()));
                }
                return new Linear(joined(weights).transpose(), bias ? joined(biases) : null);
            } catch (RuntimeException e) {
                weights.close();
                biases.close();
                throw e;
            }
        }

        /** One tensor of {@code parts} along dimension 0; the parts are closed. */
        private static NDArray joined(NDList parts) {
            if (parts.size() == 1) return parts.get(0);
            NDArray out = NDArrays.concat(parts, 0);
            parts.close();
            return out;
        }
    }

    /** Whether a forward of {@code rows} slots multiplies 2-byte weights by FP32 activations through the FP16 GEMV. */
    boolean halfGemv(int rows) {
        return rows <= GEMV_ROWS && lmHead.wT().getDataType() != finalNorm.getDataType();
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
