package dev.memorag.worker.model;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * Writes a seeded random checkpoint in the exact Hugging Face + beacon layout of the MemoRAG
 * checkpoints (config.json, sharded safetensors + index, tokenizer.json), small enough for tests.
 * The tokenizer is bge-small's WordPiece tokenizer.json (shipped in the embeddings jar on this
 * classpath); vocab_size is its vocabulary, so the beacon id (= vocab_size) is outside it.
 * Usage: {@code TinyCheckpointWriter <dir> [qwen2|mistral] [F32|BF16]}.
 */
public final class TinyCheckpointWriter {
    public static final String TOKENIZER_RESOURCE = "/bge-small-en-v1.5-q-tokenizer.json";
    public static final int VOCAB = 30522;
    public static final int CLS_ID = 101;
    public static final int SEP_ID = 102;

    /** Shape and beacon settings of a tiny model. */
    public record Spec(
            String modelType,
            int layers,
            int hidden,
            int heads,
            int kvHeads,
            int intermediate,
            int window,
            int ratio,
            TensorDType dtype,
            int shards,
            boolean tied,
            long seed) {
        public static Spec tiny(String modelType, int window, int ratio) {
            return new Spec(modelType, 2, 64, 4, 2, 128, window, ratio, TensorDType.F32, 2, false, 42);
        }

        public Spec withDtype(TensorDType d) {
            return new Spec(
                    modelType, layers, hidden, heads, kvHeads, intermediate, window, ratio, d, shards, tied, seed);
        }

        public Spec withTied(boolean t) {
            return new Spec(
                    modelType, layers, hidden, heads, kvHeads, intermediate, window, ratio, dtype, shards, t, seed);
        }
    }

    private TinyCheckpointWriter() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: TinyCheckpointWriter <dir> [qwen2|mistral] [F32|BF16]");
            System.exit(2);
        }
        String type = args.length > 1 ? args[1] : "qwen2";
        TensorDType dtype = args.length > 2 ? TensorDType.valueOf(args[2]) : TensorDType.BF16;
        Path dir = write(Path.of(args[0]), Spec.tiny(type, 64, 4).withDtype(dtype));
        System.out.println("wrote " + type + " " + dtype + " checkpoint to " + dir);
    }

    public static Path write(Path dir, Spec spec) throws IOException {
        return write(dir, spec, VOCAB);
    }

    /**
     * As {@link #write(Path, Spec)} with config.json's vocab_size set to {@code vocab} (embedding and LM head rows),
     * e.g. Qwen2-7B's 152064 for a checkpoint of real shapes; the tokenizer still only produces bge's ids.
     */
    public static Path write(Path dir, Spec spec, int vocab) throws IOException {
        Files.createDirectories(dir);
        JsonObject config = config(spec, vocab);
        Files.writeString(
                dir.resolve("config.json"),
                new GsonBuilder().setPrettyPrinting().create().toJson(config));
        try (InputStream in = TinyCheckpointWriter.class.getResourceAsStream(TOKENIZER_RESOURCE)) {
            if (in == null) throw new IOException(TOKENIZER_RESOURCE + " is not on the classpath");
            Files.write(dir.resolve("tokenizer.json"), in.readAllBytes());
        }
        ModelConfig mc = ModelConfig.read(dir.resolve("config.json"));
        List<WeightLayout.Spec> layout = WeightLayout.of(mc);
        Random random = new Random(spec.seed());
        JsonObject weightMap = new JsonObject();
        long total = 0;
        for (int s = 0; s < spec.shards(); s++) {
            String file = String.format("model-%05d-of-%05d.safetensors", s + 1, spec.shards());
            List<WeightLayout.Spec> tensors =
                    layout.subList(s * layout.size() / spec.shards(), (s + 1) * layout.size() / spec.shards());
            for (WeightLayout.Spec t : tensors) weightMap.addProperty(t.name(), file);
            total += SafetensorsWriter.write(
                    dir.resolve(file), tensors, spec.dtype(), (t, offset, into, count) -> init(t, random, into, count));
        }
        JsonObject index = new JsonObject();
        JsonObject meta = new JsonObject();
        meta.addProperty("total_size", total);
        index.add("metadata", meta);
        index.add("weight_map", weightMap);
        Files.writeString(dir.resolve(Checkpoint.INDEX), index.toString(), StandardCharsets.UTF_8);
        return dir;
    }

    /**
     * Scales chosen so activations stay O(1) through the layers: norms near 1, projections with std
     * 1/sqrt(fan_in), so logits differ clearly and a numeric mismatch cannot hide in tiny values.
     */
    private static void init(WeightLayout.Spec t, Random r, float[] into, int count) {
        boolean norm = t.name().endsWith("norm.weight");
        boolean bias = t.name().endsWith(".bias");
        boolean embedding = t.name().contains("embed_tokens");
        double std = norm || bias ? 0.1 : embedding ? 1.0 : 1.0 / Math.sqrt(t.shape()[t.shape().length - 1]);
        for (int i = 0; i < count; i++) into[i] = (float) ((norm ? 1.0 : 0.0) + std * r.nextGaussian());
    }

    private static JsonObject config(Spec s, int vocab) {
        JsonObject c = new JsonObject();
        JsonArray arch = new JsonArray();
        arch.add(s.modelType().equals("qwen2") ? "Qwen2ForCausalLM" : "MistralForCausalLM");
        c.add("architectures", arch);
        c.addProperty("model_type", s.modelType());
        c.addProperty("vocab_size", vocab);
        c.addProperty("hidden_size", s.hidden());
        c.addProperty("intermediate_size", s.intermediate());
        c.addProperty("num_hidden_layers", s.layers());
        c.addProperty("num_attention_heads", s.heads());
        c.addProperty("num_key_value_heads", s.kvHeads());
        c.addProperty("rms_norm_eps", 1e-6);
        c.addProperty("rope_theta", 1000000.0);
        c.addProperty("tie_word_embeddings", s.tied());
        c.addProperty("bos_token_id", CLS_ID);
        c.addProperty("eos_token_id", SEP_ID);
        c.addProperty("torch_dtype", s.dtype() == TensorDType.BF16 ? "bfloat16" : "float32");
        c.addProperty("max_position_embeddings", 32768);
        if (s.modelType().equals("qwen2")) c.addProperty("use_sliding_window", false);
        else c.add("sliding_window", null);
        c.addProperty("beacon_window", s.window());
        c.addProperty("beacon_stride", s.window());
        c.addProperty("beacon_attn", "full-coverage");
        c.addProperty("beacon_pos", "interleave");
        c.addProperty("beacon_ratio_mix", "step-random");
        c.addProperty("beacon_sink_size", 0);
        JsonArray ratio = new JsonArray();
        ratio.add(s.ratio());
        c.add("beacon_ratio", ratio);
        JsonArray param = new JsonArray();
        for (String p : new String[] {"q", "k", "v"}) param.add(p);
        c.add("beacon_param", param);
        return c;
    }
}
