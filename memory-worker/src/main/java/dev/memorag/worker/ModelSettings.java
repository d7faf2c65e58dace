package dev.memorag.worker;

import static dev.memorag.settings.SettingsCatalogue.BEACON_RATIO;
import static dev.memorag.settings.SettingsCatalogue.DEVICE;
import static dev.memorag.settings.SettingsCatalogue.DTYPE;
import static dev.memorag.settings.SettingsCatalogue.GENERATOR;
import static dev.memorag.settings.SettingsCatalogue.MEMORY;
import static dev.memorag.settings.SettingsCatalogue.MEMORY_CACHE_BYTES;
import static dev.memorag.settings.SettingsCatalogue.MEMORY_MODEL;
import static dev.memorag.settings.SettingsCatalogue.MODEL_DIR;
import static dev.memorag.settings.SettingsCatalogue.OPENAI_API_KEY;
import static dev.memorag.settings.SettingsCatalogue.OPENAI_MODEL;
import static dev.memorag.settings.SettingsCatalogue.OPENAI_URL;

import dev.memorag.settings.DeviceChoice;
import dev.memorag.settings.Dtype;
import dev.memorag.settings.Generator;
import dev.memorag.settings.MemoryBackend;
import dev.memorag.settings.SettingException;
import dev.memorag.settings.Settings;
import dev.memorag.worker.gist.GistSettings;
import java.net.URI;
import java.nio.file.Path;

/**
 * The worker's memory backend and answer generator, each value a setting of {@code SettingsCatalogue} (which also
 * derives the backend from the model directory and the memory model from the answer model when they are unset).
 * Here: whether they fit together.
 *
 * @param memory      {@code none}, {@code beacon} (a MemoRAG checkpoint in {@code modelDir}) or {@code gist}
 *                    (summaries written by an OpenAI-compatible endpoint)
 * @param modelDir    a Hugging Face checkpoint directory of a MemoRAG memory model, or null for none
 * @param device      where the model runs
 * @param dtype       what the model holds
 * @param beaconRatio compression ratio to run the checkpoint with (MemoRAG uses 4); null keeps config.json's
 * @param cacheBytes  device memory for hot corpus memories; least recently used ones are dropped beyond it
 * @param generator   what writes the answers
 * @param openAiUrl   API root of an OpenAI-compatible server, e.g. http://localhost:8000/v1 (generator openai)
 * @param openAiModel model name to ask that server for
 * @param openAiKey   bearer key for that server, or null
 * @param memoryModel model name that server writes gists and clues with (memory gist)
 * @param gist        how the gist memory is cut and bounded
 */
public record ModelSettings(
        MemoryBackend memory,
        Path modelDir,
        DeviceChoice device,
        Dtype dtype,
        Integer beaconRatio,
        long cacheBytes,
        Generator generator,
        URI openAiUrl,
        String openAiModel,
        String openAiKey,
        String memoryModel,
        GistSettings gist) {

    public ModelSettings {
        if (memory == MemoryBackend.BEACON && modelDir == null) {
            throw new SettingException("memory beacon needs a MemoRAG checkpoint directory " + "(MEMORAG_MODEL_DIR)");
        }
        if (memory == MemoryBackend.GIST && (openAiUrl == null || memoryModel == null || memoryModel.isBlank())) {
            throw new SettingException("memory gist needs an OpenAI-compatible server's URL "
                    + "(MEMORAG_OPENAI_URL) and a model name (MEMORAG_MEMORY_MODEL or MEMORAG_OPENAI_MODEL)");
        }
        if (generator == Generator.DJL && modelDir == null) {
            throw new SettingException("generator djl answers with the memory checkpoint: set the model "
                    + "directory (MEMORAG_MODEL_DIR), or choose extractive or openai");
        }
        if (generator == Generator.OPENAI && (openAiUrl == null || openAiModel == null || openAiModel.isBlank())) {
            throw new SettingException("generator openai needs the server's URL (MEMORAG_OPENAI_URL) and a "
                    + "model name (MEMORAG_OPENAI_MODEL)");
        }
    }

    public static ModelSettings of(Settings settings) {
        return new ModelSettings(
                settings.get(MEMORY),
                settings.get(MODEL_DIR),
                settings.get(DEVICE),
                settings.get(DTYPE),
                settings.get(BEACON_RATIO),
                settings.get(MEMORY_CACHE_BYTES),
                settings.get(GENERATOR),
                settings.get(OPENAI_URL),
                settings.get(OPENAI_MODEL),
                settings.get(OPENAI_API_KEY),
                settings.get(MEMORY_MODEL),
                GistSettings.of(settings));
    }

    /** No checkpoint, extractive answers: what runs when nothing is configured. */
    public static ModelSettings defaults() {
        return of(Settings.defaults());
    }
}
