package dev.memorag.worker.model;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Hugging Face model directory: config.json, tokenizer.json and either one model.safetensors or
 * shards listed by model.safetensors.index.json. Shards are opened (and memory-mapped) lazily.
 */
public final class Checkpoint implements AutoCloseable {
    public static final String INDEX = "model.safetensors.index.json";
    public static final String SINGLE = "model.safetensors";

    private final Path dir;
    private final ModelConfig config;
    private final Map<String, String> weightMap;
    private final Path indexFile;
    private final Map<String, SafetensorsFile> open = new HashMap<>();

    private Checkpoint(Path dir, ModelConfig config, Map<String, String> weightMap, Path indexFile) {
        this.dir = dir;
        this.config = config;
        this.weightMap = weightMap;
        this.indexFile = indexFile;
    }

    public static Checkpoint open(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new ModelLoadException(
                    "model directory " + dir + " does not exist: place the checkpoint files (config.json, "
                            + "tokenizer.json, *.safetensors) there, or fetch them by model id with HubDownloader where a network exists");
        }
        Path configFile = dir.resolve("config.json");
        if (!Files.isRegularFile(configFile)) throw new ModelLoadException("missing " + configFile);
        ModelConfig config = ModelConfig.read(configFile);
        Path index = dir.resolve(INDEX);
        Map<String, String> map = new LinkedHashMap<>();
        if (Files.isRegularFile(index)) {
            JsonObject wm;
            try {
                wm = JsonParser.parseString(Files.readString(index))
                        .getAsJsonObject()
                        .getAsJsonObject("weight_map");
            } catch (IOException | RuntimeException e) {
                throw new ModelLoadException("corrupt " + index + ": no weight_map object", e);
            }
            if (wm == null) throw new ModelLoadException("corrupt " + index + ": no weight_map object");
            for (Map.Entry<String, JsonElement> e : wm.entrySet())
                map.put(e.getKey(), e.getValue().getAsString());
            for (Map.Entry<String, String> e : map.entrySet()) {
                if (!Files.isRegularFile(dir.resolve(e.getValue()))) {
                    throw new ModelLoadException("missing shard " + dir.resolve(e.getValue()) + " named in " + index
                            + " for tensor '" + e.getKey() + "'");
                }
            }
            return new Checkpoint(dir, config, map, index);
        }
        Path single = dir.resolve(SINGLE);
        if (!Files.isRegularFile(single))
            throw new ModelLoadException("no " + INDEX + " and no " + SINGLE + " in " + dir);
        Checkpoint c = new Checkpoint(dir, config, map, null);
        for (String name : c.shard(SINGLE).tensors().keySet()) map.put(name, SINGLE);
        return c;
    }

    public Path dir() {
        return dir;
    }

    public ModelConfig config() {
        return config;
    }

    public Path tokenizerFile() {
        return dir.resolve("tokenizer.json");
    }

    /** Shape-checked FP32 rows [from, to) of a tensor; errors name the file and tensor. */
    public FloatBuffer readRows(String name, long[] expectedShape, long from, long to) {
        return locate(name, expectedShape).readRows(name, from, to);
    }

    /** The whole tensor as FP32 after checking its shape. */
    public FloatBuffer read(String name, long... expectedShape) {
        return locate(name, expectedShape).readRows(name, 0, expectedShape.length == 0 ? 1 : expectedShape[0]);
    }

    public boolean has(String name) {
        return weightMap.containsKey(name);
    }

    private SafetensorsFile locate(String name, long[] expectedShape) {
        String file = weightMap.get(name);
        if (file == null) {
            throw new ModelLoadException(
                    "missing tensor '" + name + "' in " + (indexFile != null ? indexFile : dir.resolve(SINGLE)));
        }
        SafetensorsFile f = shard(file);
        SafetensorsFile.TensorInfo info = f.tensors().get(name);
        if (info == null) {
            throw new ModelLoadException("missing tensor '" + name + "' in " + f.path() + " (the index maps it there)");
        }
        if (!Arrays.equals(info.shape(), expectedShape)) {
            throw new ModelLoadException("wrong shape of tensor '" + name + "' in " + f.path() + ": "
                    + Arrays.toString(info.shape()) + ", expected " + Arrays.toString(expectedShape));
        }
        return f;
    }

    private SafetensorsFile shard(String file) {
        return open.computeIfAbsent(file, f -> SafetensorsFile.open(dir.resolve(f)));
    }

    @Override
    public void close() {
        open.values().forEach(SafetensorsFile::close);
        open.clear();
    }
}
