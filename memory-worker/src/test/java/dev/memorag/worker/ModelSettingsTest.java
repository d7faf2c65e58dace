package dev.memorag.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memorag.settings.MemoryBackend;
import dev.memorag.settings.SettingException;
import dev.memorag.settings.Settings;
import dev.memorag.worker.gist.GistSettings;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The memory backend setting as the worker reads it: implied by the model directory unless named, and checked. */
class ModelSettingsTest {

    private static ModelSettings settings(String... variables) {
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < variables.length; i += 2) {
            env.put(variables[i], variables[i + 1]);
        }
        return ModelSettings.of(Settings.fromEnvironment(env));
    }

    @Test
    void theBackendIsImpliedByTheModelDirectoryUnlessNamed() {
        assertEquals(MemoryBackend.NONE, ModelSettings.defaults().memory());
        assertEquals(
                MemoryBackend.BEACON,
                settings("MEMORAG_MODEL_DIR", "/models/memorag").memory());
        assertEquals(
                MemoryBackend.GIST,
                settings(
                                "MEMORAG_MEMORY",
                                " GIST ",
                                "MEMORAG_OPENAI_URL",
                                "http://localhost:11434/v1",
                                "MEMORAG_OPENAI_MODEL",
                                "qwen2.5:7b")
                        .memory());
    }

    @Test
    void gistWritesWithTheAnswerModelUnlessAMemoryModelIsNamed() {
        String[] gist = {"MEMORAG_MEMORY", "gist", "MEMORAG_OPENAI_URL", "http://localhost:11434/v1"};
        assertEquals(
                "qwen2.5:7b",
                settings(with(gist, "MEMORAG_OPENAI_MODEL", "qwen2.5:7b")).memoryModel());
        assertEquals(
                "qwen2.5:3b",
                settings(with(with(gist, "MEMORAG_OPENAI_MODEL", "qwen2.5:7b"), "MEMORAG_MEMORY_MODEL", "qwen2.5:3b"))
                        .memoryModel());
        assertEquals(
                "qwen2.5:3b",
                settings(with(gist, "MEMORAG_MEMORY_MODEL", "qwen2.5:3b")).memoryModel());
    }

    @Test
    void anUnknownOrIncompleteBackendStopsTheStart() {
        SettingException unknown = assertThrows(SettingException.class, () -> settings("MEMORAG_MEMORY", "lite"));
        assertTrue(
                unknown.getMessage().contains("'lite'") && unknown.getMessage().contains("none, beacon, gist"),
                unknown.getMessage());
        IllegalArgumentException noUrl = assertThrows(
                IllegalArgumentException.class, () -> settings("MEMORAG_MEMORY", "gist", "MEMORAG_OPENAI_MODEL", "m"));
        assertTrue(noUrl.getMessage().contains("MEMORAG_OPENAI_URL"), noUrl.getMessage());
        IllegalArgumentException noDir =
                assertThrows(IllegalArgumentException.class, () -> settings("MEMORAG_MEMORY", "beacon"));
        assertTrue(noDir.getMessage().contains("MEMORAG_MODEL_DIR"), noDir.getMessage());
        IllegalArgumentException djl =
                assertThrows(IllegalArgumentException.class, () -> settings("MEMORAG_GENERATOR", "djl"));
        assertTrue(djl.getMessage().contains("MEMORAG_MODEL_DIR"), djl.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new GistSettings(4096, 1000));
    }

    private static String[] with(String[] variables, String name, String value) {
        String[] more = java.util.Arrays.copyOf(variables, variables.length + 2);
        more[variables.length] = name;
        more[variables.length + 1] = value;
        return more;
    }
}
