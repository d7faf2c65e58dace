package dev.memorag.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memorag.worker.gist.GistSettings;
import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The memory backend setting: implied by the model directory unless named, checked against what it needs. */
class ModelSettingsTest {
    private static final URI OLLAMA = URI.create("http://localhost:11434/v1");

    private static ModelSettings settings(String memory, Path modelDir, URI url, String answerModel,
                                          String memoryModel) {
        return new ModelSettings(memory, modelDir, "cpu", "auto", 4, ModelSettings.DEFAULT_CACHE_BYTES, "extractive", url,
                answerModel, null, memoryModel, GistSettings.defaults());
    }

    @Test
    void theBackendIsImpliedByTheModelDirectoryUnlessNamed() {
        assertEquals("none", ModelSettings.defaults().memory());
        assertEquals("beacon", ModelSettings.defaults().withModelDir(Path.of("/models/memorag")).memory());
        assertEquals("gist", settings(" GIST ", null, OLLAMA, "qwen2.5:7b", null).memory());
    }

    @Test
    void gistWritesWithTheAnswerModelUnlessAMemoryModelIsNamed() {
        assertEquals("qwen2.5:7b", settings("gist", null, OLLAMA, "qwen2.5:7b", null).memoryModel());
        assertEquals("qwen2.5:3b", settings("gist", null, OLLAMA, "qwen2.5:7b", "qwen2.5:3b").memoryModel());
        assertEquals("qwen2.5:3b", settings("gist", null, OLLAMA, null, "qwen2.5:3b").memoryModel());
    }

    @Test
    void anUnknownOrIncompleteBackendStopsTheStart() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> settings("lite", null, OLLAMA, "m", null));
        assertTrue(unknown.getMessage().contains("'lite'") && unknown.getMessage().contains("[none, beacon, gist]"),
                unknown.getMessage());
        IllegalArgumentException noUrl = assertThrows(IllegalArgumentException.class,
                () -> settings("gist", null, null, "m", null));
        assertTrue(noUrl.getMessage().contains("MEMORAG_OPENAI_URL"), noUrl.getMessage());
        IllegalArgumentException noDir = assertThrows(IllegalArgumentException.class,
                () -> settings("beacon", null, null, null, null));
        assertTrue(noDir.getMessage().contains("MEMORAG_MODEL_DIR"), noDir.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new GistSettings(4096, 1000));
    }
}
