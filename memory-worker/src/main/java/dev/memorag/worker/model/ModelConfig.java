package dev.memorag.worker.model;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The parts of a Hugging Face config.json the beacon model needs (qwen2 and mistral). */
public record ModelConfig(
        String modelType,
        int vocabSize,
        int hiddenSize,
        int intermediateSize,
        int numLayers,
        int numHeads,
        int numKvHeads,
        int headDim,
        double rmsNormEps,
        double ropeTheta,
        boolean tieWordEmbeddings,
        List<Integer> eosTokenIds,
        Integer bosTokenId,
        BeaconSettings beacon) {

    public static final List<String> SUPPORTED_TYPES = List.of("qwen2", "mistral");

    /** Qwen2 carries biases on q/k/v (ordinary and beacon projections); Mistral has none. */
    public boolean qkvBias() {
        return modelType.equals("qwen2");
    }

    public int kvDim() {
        return numKvHeads * headDim;
    }

    /** The beacon slot's token id: one past the vocabulary, never produced by the tokenizer. */
    public int beaconTokenId() {
        return vocabSize;
    }

    public static ModelConfig read(Path file) {
        JsonObject o;
        try {
            o = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        } catch (IOException e) {
            throw new ModelLoadException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new ModelLoadException("corrupt " + file + ": not a JSON object", e);
        }
        String type = str(o, "model_type", file);
        if (!SUPPORTED_TYPES.contains(type)) {
            throw new ModelLoadException(
                    "unsupported model_type '" + type + "' in " + file + " (supported: " + SUPPORTED_TYPES + ")");
        }
        int hidden = num(o, "hidden_size", file);
        int heads = num(o, "num_attention_heads", file);
        int kvHeads = o.has("num_key_value_heads") ? num(o, "num_key_value_heads", file) : heads;
        int headDim = o.has("head_dim") && !o.get("head_dim").isJsonNull() ? num(o, "head_dim", file) : hidden / heads;
        if (heads % kvHeads != 0 || headDim % 2 != 0) {
            throw new ModelLoadException("unsupported head layout in " + file + ": " + heads + " query heads, "
                    + kvHeads + " kv heads, head_dim " + headDim);
        }
        return new ModelConfig(
                type,
                num(o, "vocab_size", file),
                hidden,
                num(o, "intermediate_size", file),
                num(o, "num_hidden_layers", file),
                heads,
                kvHeads,
                headDim,
                o.has("rms_norm_eps") ? o.get("rms_norm_eps").getAsDouble() : 1e-6,
                o.has("rope_theta") ? o.get("rope_theta").getAsDouble() : 10000.0,
                o.has("tie_word_embeddings") && o.get("tie_word_embeddings").getAsBoolean(),
                ids(o.get("eos_token_id")),
                o.has("bos_token_id") && !o.get("bos_token_id").isJsonNull()
                        ? o.get("bos_token_id").getAsInt()
                        : null,
                BeaconSettings.fromConfig(o, file));
    }

    /** The same model with other beacon settings (MemoRAG overrides the ratio at load time). */
    public ModelConfig withBeacon(BeaconSettings settings) {
        return new ModelConfig(
                modelType,
                vocabSize,
                hiddenSize,
                intermediateSize,
                numLayers,
                numHeads,
                numKvHeads,
                headDim,
                rmsNormEps,
                ropeTheta,
                tieWordEmbeddings,
                eosTokenIds,
                bosTokenId,
                settings);
    }

    private static List<Integer> ids(JsonElement e) {
        List<Integer> out = new ArrayList<>();
        if (e == null || e.isJsonNull()) return out;
        if (e.isJsonArray()) {
            for (JsonElement x : (JsonArray) e) out.add(x.getAsInt());
        } else {
            out.add(e.getAsInt());
        }
        return List.copyOf(out);
    }

    /** Elements of every weight tensor of the checkpoint (beacon projections included). */
    public long parameterCount() {
        long n = 0;
        for (WeightLayout.Spec t : WeightLayout.of(this)) {
            long e = 1;
            for (long d : t.shape()) e *= d;
            n += e;
        }
        return n;
    }

    private static String str(JsonObject o, String key, Path file) {
        if (!o.has(key) || o.get(key).isJsonNull()) throw new ModelLoadException(file + " has no '" + key + "'");
        return o.get(key).getAsString();
    }

    private static int num(JsonObject o, String key, Path file) {
        if (!o.has(key) || o.get(key).isJsonNull()) throw new ModelLoadException(file + " has no '" + key + "'");
        return o.get(key).getAsInt();
    }
}
