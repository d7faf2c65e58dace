package dev.memorag.worker;

import dev.memorag.worker.gist.GistSettings;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The worker's memory backend and answer generator. The memory backend is {@code beacon} (a MemoRAG checkpoint in
 * {@code modelDir}), {@code gist} (summaries written by an OpenAI-compatible endpoint) or {@code none} (the question
 * is the only clue); unset, it is {@code beacon} with a model directory and {@code none} without.
 *
 * @param memory      {@code none}, {@code beacon} or {@code gist}; null: implied by {@code modelDir}
 * @param modelDir    a Hugging Face checkpoint directory of a MemoRAG memory model, or null for none
 * @param device      {@code cpu}, {@code cuda} or {@code auto} (CUDA when present)
 * @param dtype       what the model holds: {@code fp32}, {@code bf16} or {@code auto} (BF16 on CUDA; on CPU BF16 when the
 *                    checkpoint's FP32 weights would take more than half of this machine's memory, else FP32)
 * @param beaconRatio compression ratio to run the checkpoint with (MemoRAG uses 4); null keeps config.json's
 * @param cacheBytes  device memory for hot corpus memories; least recently used ones are dropped beyond it
 * @param generator   {@code extractive} (no LLM), {@code djl} (the memory checkpoint) or {@code openai}
 * @param openAiUrl   API root of an OpenAI-compatible server, e.g. http://localhost:8000/v1 (generator openai)
 * @param openAiModel model name to ask that server for
 * @param openAiKey   bearer key for that server, or null
 * @param memoryModel model name that server writes gists and clues with (memory gist); null: {@code openAiModel}
 * @param gist        how the gist memory is cut and bounded
 */
public record ModelSettings(String memory, Path modelDir, String device, String dtype, Integer beaconRatio,
                            long cacheBytes, String generator, URI openAiUrl, String openAiModel, String openAiKey,
                            String memoryModel, GistSettings gist) {
    public static final List<String> MEMORIES = List.of("none", "beacon", "gist");
    public static final List<String> GENERATORS = List.of("extractive", "djl", "openai");
    public static final List<String> DEVICES = List.of("cpu", "cuda", "auto");
    public static final List<String> DTYPES = List.of("auto", "fp32", "bf16");
    public static final long DEFAULT_CACHE_BYTES = 2L << 30;

    public ModelSettings {
        memory = memory == null || memory.isBlank() ? (modelDir == null ? "none" : "beacon")
                : memory.strip().toLowerCase(Locale.ROOT);
        memoryModel = memoryModel == null || memoryModel.isBlank() ? openAiModel : memoryModel;
        device = device.toLowerCase(Locale.ROOT);
        dtype = dtype.toLowerCase(Locale.ROOT);
        if (!MEMORIES.contains(memory)) {
            throw new IllegalArgumentException("memory backend '" + memory + "': choose from " + MEMORIES);
        }
        if (memory.equals("beacon") && modelDir == null) {
            throw new IllegalArgumentException("memory beacon needs a MemoRAG checkpoint directory "
                    + "(MEMORAG_MODEL_DIR)");
        }
        if (memory.equals("gist") && (openAiUrl == null || memoryModel == null || memoryModel.isBlank())) {
            throw new IllegalArgumentException("memory gist needs an OpenAI-compatible server's URL "
                    + "(MEMORAG_OPENAI_URL) and a model name (MEMORAG_MEMORY_MODEL or MEMORAG_OPENAI_MODEL)");
        }
        generator = generator.toLowerCase(Locale.ROOT);
        if (!DEVICES.contains(device)) {
            throw new IllegalArgumentException("device '" + device + "': choose from " + DEVICES);
        }
        if (!DTYPES.contains(dtype)) {
            throw new IllegalArgumentException("dtype '" + dtype + "': choose from " + DTYPES);
        }
        if (!GENERATORS.contains(generator)) {
            throw new IllegalArgumentException("generator '" + generator + "': choose from " + GENERATORS);
        }
        if (generator.equals("djl") && modelDir == null) {
            throw new IllegalArgumentException("generator djl answers with the memory checkpoint: set the model "
                    + "directory (MEMORAG_MODEL_DIR), or choose extractive or openai");
        }
        if (generator.equals("openai") && (openAiUrl == null || openAiModel == null || openAiModel.isBlank())) {
            throw new IllegalArgumentException("generator openai needs the server's URL (MEMORAG_OPENAI_URL) and a "
                    + "model name (MEMORAG_OPENAI_MODEL)");
        }
        if (beaconRatio != null && beaconRatio < 1) {
            throw new IllegalArgumentException("beacon ratio " + beaconRatio + " must be at least 1");
        }
        if (cacheBytes < 0) {
            throw new IllegalArgumentException("memory cache bytes " + cacheBytes + " must not be negative");
        }
    }

    /** No checkpoint, extractive answers: what runs when nothing is configured. */
    public static ModelSettings defaults() {
        return new ModelSettings(null, null, "cpu", "auto", 4, DEFAULT_CACHE_BYTES, "extractive", null, null, null,
                null, GistSettings.defaults());
    }

    /** A model directory implies memory beacon unless a backend was named. */
    public ModelSettings withModelDir(Path dir) {
        return new ModelSettings(memory.equals("none") ? null : memory, dir, device, dtype, beaconRatio, cacheBytes,
                generator, openAiUrl, openAiModel, openAiKey, memoryModel, gist);
    }

    public ModelSettings withGenerator(String name) {
        return new ModelSettings(memory, modelDir, device, dtype, beaconRatio, cacheBytes, name, openAiUrl,
                openAiModel, openAiKey, memoryModel, gist);
    }

    public ModelSettings withMemory(String backend) {
        return new ModelSettings(backend, modelDir, device, dtype, beaconRatio, cacheBytes, generator, openAiUrl,
                openAiModel, openAiKey, memoryModel, gist);
    }
}
