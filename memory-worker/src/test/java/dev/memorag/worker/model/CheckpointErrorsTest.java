package dev.memorag.worker.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.memorag.settings.DeviceChoice;
import dev.memorag.settings.Dtype;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every way a checkpoint can be broken gets its own message naming the file and tensor. */
class CheckpointErrorsTest {
    private static final String SHARD1 = "model-00001-of-00002.safetensors";
    private static final String SHARD2 = "model-00002-of-00002.safetensors";

    @TempDir
    Path tmp;

    private Path checkpoint(String type) {
        return TinyModels.write(
                tmp.resolve(type), TinyCheckpointWriter.Spec.tiny(type, 32, 4).withDtype(TensorDType.BF16));
    }

    private static String loadError(Path dir) {
        ModelLoadException e = assertThrows(
                ModelLoadException.class,
                () -> BeaconModel.load(dir, ComputeDevice.cpu(), null).close());
        return e.getMessage();
    }

    private static void editJson(Path file, Consumer<JsonObject> edit) throws IOException {
        JsonObject o = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        edit.accept(o);
        Files.writeString(file, o.toString());
    }

    @Test
    void validCheckpointLoadsWithBothShards() {
        Path dir = checkpoint("qwen2");
        try (Checkpoint c = Checkpoint.open(dir)) {
            assertEquals("qwen2", c.config().modelType());
            assertTrue(c.has("model.layers.0.self_attn.beacon_q_proj.bias"));
            assertTrue(c.has("model.beacon_embed_tokens.weight"));
        }
        try (Checkpoint c = Checkpoint.open(checkpoint("mistral"))) {
            assertTrue(
                    !c.has("model.layers.0.self_attn.beacon_q_proj.bias")
                            && !c.has("model.layers.0.self_attn.q_proj.bias"),
                    "mistral has no q/k/v biases");
        }
        BeaconModel.load(dir, ComputeDevice.cpu(), null).close();
        if (ai.djl.engine.Engine.getEngine("PyTorch").getGpuCount() == 0) {
            assertEquals(
                    ComputeDevice.cpu(),
                    ComputeDevice.select(DeviceChoice.AUTO, Dtype.AUTO, dir),
                    "no GPU, small model: FP32 on CPU");
        }
    }

    @Test
    void missingTensorNamesTensorAndIndex() throws IOException {
        Path dir = checkpoint("qwen2");
        editJson(
                dir.resolve(Checkpoint.INDEX),
                o -> o.getAsJsonObject("weight_map").remove("model.layers.1.self_attn.beacon_k_proj.weight"));
        String m = loadError(dir);
        assertTrue(
                m.startsWith("missing tensor 'model.layers.1.self_attn.beacon_k_proj.weight' in ")
                        && m.contains(Checkpoint.INDEX),
                m);
    }

    @Test
    void tensorAbsentFromItsShardIsReported() throws IOException {
        Path dir = checkpoint("mistral");
        editJson(
                dir.resolve(Checkpoint.INDEX),
                o -> o.getAsJsonObject("weight_map").addProperty("model.norm.weight", SHARD1));
        String m = loadError(dir);
        assertTrue(
                m.contains("missing tensor 'model.norm.weight' in ")
                        && m.contains(SHARD1)
                        && m.contains("the index maps it there"),
                m);
    }

    @Test
    void wrongShapeNamesTensorFileAndBothShapes() throws IOException {
        Path dir = checkpoint("qwen2");
        editJson(dir.resolve("config.json"), o -> o.addProperty("intermediate_size", 100));
        String m = loadError(dir);
        assertTrue(
                m.startsWith("wrong shape of tensor 'model.layers.0.mlp.gate_proj.weight' in ")
                        && m.contains("[128, 64], expected [100, 64]"),
                m);
    }

    @Test
    void unsupportedModelType() throws IOException {
        Path dir = checkpoint("qwen2");
        editJson(dir.resolve("config.json"), o -> o.addProperty("model_type", "llama"));
        String m = loadError(dir);
        assertTrue(m.startsWith("unsupported model_type 'llama' in ") && m.contains("config.json"), m);
    }

    @Test
    void corruptHeader() throws IOException {
        Path dir = checkpoint("qwen2");
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve(SHARD1).toFile(), "rw")) {
            f.seek(8);
            f.write("{\"oops".getBytes());
        }
        String m = loadError(dir);
        assertTrue(m.startsWith("corrupt safetensors header in ") && m.contains(SHARD1), m);
    }

    @Test
    void headerLengthBeyondFile() throws IOException {
        Path dir = checkpoint("qwen2");
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve(SHARD2).toFile(), "rw")) {
            f.seek(0);
            f.write(new byte[] {0, 0, 0, 0, 0, 0, 1, 0});
        }
        String m = loadError(dir);
        assertTrue(m.startsWith("corrupt or truncated safetensors header in ") && m.contains(SHARD2), m);
    }

    @Test
    void truncatedData() throws IOException {
        Path dir = checkpoint("mistral");
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve(SHARD2).toFile(), "rw")) {
            f.setLength(f.length() - 100);
        }
        String m = loadError(dir);
        assertTrue(m.startsWith("truncated safetensors file ") && m.contains(SHARD2) && m.contains("tensor '"), m);
    }

    @Test
    void fileShorterThanHeaderLength() throws IOException {
        Path dir = checkpoint("mistral");
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve(SHARD1).toFile(), "rw")) {
            f.setLength(5);
        }
        String m = loadError(dir);
        assertTrue(m.startsWith("corrupt safetensors file ") && m.contains("shorter than the 8-byte header length"), m);
    }

    @Test
    void missingShard() throws IOException {
        Path dir = checkpoint("qwen2");
        Files.delete(dir.resolve(SHARD2));
        String m = loadError(dir);
        assertTrue(
                m.startsWith("missing shard ")
                        && m.contains(SHARD2)
                        && m.contains("named in ")
                        && m.contains("for tensor '"),
                m);
    }

    @Test
    void unsupportedBeaconSettings() throws IOException {
        Path dir = checkpoint("qwen2");
        Path config = dir.resolve("config.json");
        String original = Files.readString(config);
        String[][] cases = {
            {"beacon_pos", "\"append\"", "beacon_pos 'append'"},
            {"beacon_attn", "\"segmentation\"", "beacon_attn 'segmentation'"},
            {"beacon_sink_size", "1", "beacon_sink_size 1"},
            {"beacon_param", "[\"q\",\"k\",\"v\",\"o\"]", "beacon_param [q, k, v, o]"},
            {"beacon_stride", "16", "beacon_stride 16 != beacon_window 32"},
            {"beacon_ratio", "[5]", "beacon_window 32 must be a positive multiple of beacon_ratio 5"},
        };
        for (String[] c : cases) {
            Files.writeString(config, original);
            editJson(config, o -> o.add(c[0], JsonParser.parseString(c[1])));
            String m = loadError(dir);
            assertTrue(m.contains("unsupported beacon settings") && m.contains(c[2]) && m.contains("config.json"), m);
        }
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> new BeaconSettings(32, 0));
        assertTrue(e.getMessage().contains("beacon_ratio 0"), e.getMessage());
    }

    @Test
    void missingDirectoryPointsToDownload() {
        String m = loadError(tmp.resolve("TommyChien/memorag-qwen2-7b-inst"));
        assertTrue(m.contains("does not exist") && m.contains("HubDownloader"), m);
    }

    @Test
    void bf16WideningIsExactAndHalfFloatsConvert() {
        for (float f : new float[] {0f, 1f, -2.5f, 3.140625f, 1e-20f}) {
            short b = TensorDType.floatToBf16(f);
            assertEquals(Float.intBitsToFloat((b & 0xFFFF) << 16), f, Math.abs(f) / 128, "bf16 of " + f);
        }
        assertEquals(1.0f, TensorDType.halfToFloat(0x3C00));
        assertEquals(-2.0f, TensorDType.halfToFloat(0xC000));
        assertEquals(65504f, TensorDType.halfToFloat(0x7BFF));
        assertEquals(5.9604645e-8f, TensorDType.halfToFloat(0x0001));
    }
}
