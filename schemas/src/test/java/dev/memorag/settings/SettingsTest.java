package dev.memorag.settings;

import static dev.memorag.settings.SettingsCatalogue.GENERATOR;
import static dev.memorag.settings.SettingsCatalogue.HTTP_PORT;
import static dev.memorag.settings.SettingsCatalogue.INGEST_PORT;
import static dev.memorag.settings.SettingsCatalogue.INGEST_URL;
import static dev.memorag.settings.SettingsCatalogue.KAFKA_PORT;
import static dev.memorag.settings.SettingsCatalogue.MEMORY;
import static dev.memorag.settings.SettingsCatalogue.MEMORY_MODEL;
import static dev.memorag.settings.SettingsCatalogue.MODEL_DIR;
import static dev.memorag.settings.SettingsCatalogue.OPENAI_MODEL;
import static dev.memorag.settings.SettingsCatalogue.PARTS;
import static dev.memorag.settings.SettingsCatalogue.QUESTIONS_PER_SECOND;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SettingsTest {

    @Test
    void aCommandLineValueWinsOverTheEnvironmentWhichWinsOverTheDefault() {
        Settings settings = Settings.resolve(
                Map.of("MEMORAG_KAFKA_PORT", "9999", "MEMORAG_HTTP_PORT", "7000"), Map.of(KAFKA_PORT, "1234"));
        assertEquals(1234, settings.get(KAFKA_PORT), "the option over the variable");
        assertEquals(7000, settings.get(HTTP_PORT), "the variable over the default");
        assertEquals(8081, settings.get(INGEST_PORT), "the default");
        assertTrue(settings.given(HTTP_PORT));
        assertFalse(settings.given(INGEST_PORT));
    }

    @Test
    void aVariableThatNamesNoSettingIsReportedWithTheSettingItWasProbablyMeantFor() {
        Map<String, String> env = Map.of(
                "MEMORAG_ANSWER_TIMOUT", "PT5S",
                "MEMORAG_GENERATR", "openai",
                "MEMORAG_SOMETHING_ELSE_ENTIRELY", "1",
                "MEMORAG_GENERATOR", "extractive",
                "PATH", "/usr/bin");
        assertEquals(
                List.of(
                        "MEMORAG_ANSWER_TIMOUT is not a setting and is ignored (did you mean MEMORAG_ANSWER_TIMEOUT?)",
                        "MEMORAG_GENERATR is not a setting and is ignored (did you mean MEMORAG_GENERATOR?)",
                        "MEMORAG_SOMETHING_ELSE_ENTIRELY is not a setting and is ignored"),
                UnknownVariables.describe(env));
        // reported, not refused: the known variable still counts and the stray ones change nothing
        assertEquals(Generator.EXTRACTIVE, Settings.fromEnvironment(env).get(SettingsCatalogue.GENERATOR));
        assertEquals(List.of(), UnknownVariables.describe(Map.of("MEMORAG_GENERATOR", "djl", "HOME", "/root")));
    }

    @Test
    void anUnknownValueOfAClosedSetNamesTheSettingAndTheAllowedValues() {
        SettingException fromEnv = assertThrows(
                SettingException.class, () -> Settings.fromEnvironment(Map.of("MEMORAG_GENERATOR", "gpt4")));
        assertTrue(fromEnv.getMessage().contains("MEMORAG_GENERATOR"), fromEnv.getMessage());
        assertTrue(fromEnv.getMessage().contains("--generator"), fromEnv.getMessage());
        assertTrue(fromEnv.getMessage().contains("'gpt4' in the environment"), fromEnv.getMessage());
        assertTrue(fromEnv.getMessage().contains("choose from extractive, djl, openai"), fromEnv.getMessage());

        SettingException fromCli =
                assertThrows(SettingException.class, () -> Settings.resolve(Map.of(), Map.of(PARTS, "broker,brokr")));
        assertTrue(fromCli.getMessage().contains("MEMORAG_PARTS (--parts)"), fromCli.getMessage());
        assertTrue(fromCli.getMessage().contains("on the command line"), fromCli.getMessage());
        assertTrue(fromCli.getMessage().contains("broker, ingest, chunker, worker, query"), fromCli.getMessage());
    }

    @Test
    void aMalformedValueNamesTheSettingAndWhy() {
        SettingException port =
                assertThrows(SettingException.class, () -> Settings.fromEnvironment(Map.of("MEMORAG_HTTP_PORT", "-1")));
        assertTrue(port.getMessage().startsWith("MEMORAG_HTTP_PORT (--http-port): '-1'"), port.getMessage());
        assertTrue(port.getMessage().contains("at least 0"), port.getMessage());
        SettingException rate = assertThrows(
                SettingException.class, () -> Settings.fromEnvironment(Map.of("MEMORAG_QUESTIONS_PER_SECOND", "fast")));
        assertTrue(rate.getMessage().contains(QUESTIONS_PER_SECOND.toString()), rate.getMessage());
        assertThrows(SettingException.class, () -> Settings.fromEnvironment(Map.of("MEMORAG_SOCKET_MAX_AGE", "1h")));
        assertThrows(SettingException.class, () -> Settings.fromEnvironment(Map.of("MEMORAG_OPENAI_URL", "localhost")));
    }

    @Test
    void closedSetsAreReadInAnyCaseAndBlankValuesCountAsUnset() {
        Settings settings = Settings.fromEnvironment(
                Map.of("MEMORAG_GENERATOR", " OpenAI ", "MEMORAG_PARTS", "worker, query", "MEMORAG_HTTP_PORT", " "));
        assertEquals(Generator.OPENAI, settings.get(GENERATOR));
        assertEquals(EnumSet.of(Part.WORKER, Part.QUERY), settings.get(PARTS));
        assertEquals(8080, settings.get(HTTP_PORT));
    }

    @Test
    void everyFixedDefaultReadsBackAsItself() {
        for (Setting<?> setting : SettingsCatalogue.all()) {
            assertDefaultReadsBack(setting);
        }
        assertEquals(Settings.defaults().get(GENERATOR), Generator.EXTRACTIVE);
    }

    private static <T> void assertDefaultReadsBack(Setting<T> setting) {
        T value = setting.fixedDefault();
        if (value != null) {
            String written = setting.print(value);
            assertEquals(written, setting.print(setting.parse(written, "as its default")), setting.toString());
        }
    }

    @Test
    void dependentDefaultsFollowTheSettingsTheyDependOn() {
        Settings defaults = Settings.defaults();
        assertEquals(MemoryBackend.NONE, defaults.get(MEMORY));
        assertEquals(
                MemoryBackend.BEACON,
                defaults.with(MODEL_DIR, Path.of("/models/m")).get(MEMORY));
        assertEquals(
                MemoryBackend.GIST,
                Settings.fromEnvironment(Map.of("MEMORAG_MODEL_DIR", "/models/m", "MEMORAG_MEMORY", "gist"))
                        .get(MEMORY),
                "a named backend wins over the implied one");

        assertNull(defaults.get(MEMORY_MODEL));
        assertEquals("answer", defaults.with(OPENAI_MODEL, "answer").get(MEMORY_MODEL));
        assertEquals(
                "gist",
                defaults.with(OPENAI_MODEL, "answer").with(MEMORY_MODEL, "gist").get(MEMORY_MODEL));

        assertEquals(URI.create("http://127.0.0.1:8081"), defaults.get(INGEST_URL));
        assertEquals(
                URI.create("http://127.0.0.1:9000"),
                defaults.with(INGEST_PORT, 9000).get(INGEST_URL));
        assertEquals(
                8081,
                defaults.with(INGEST_PORT, 9000).with(INGEST_PORT, null).get(INGEST_PORT),
                "null takes a given value back");
    }

    @Test
    void flagsAreDerivedFromTheVariablesAndUnique() {
        assertEquals("--answer-timeout", SettingsCatalogue.ANSWER_TIMEOUT.flag());
        Set<String> flags = new HashSet<>();
        SettingsCatalogue.all().forEach(s -> assertTrue(flags.add(s.flag()), s.flag()));
        assertTrue(SettingsCatalogue.byVariable("MEMORAG_DTYPE").isPresent());
    }

    @Test
    void aRequiredSettingThatIsUnsetSaysWhichAndWhy() {
        SettingException e = assertThrows(
                SettingException.class,
                () -> Settings.defaults().require(SettingsCatalogue.BOOTSTRAP_SERVERS, "the job reads from Kafka"));
        assertEquals(
                "MEMORAG_BOOTSTRAP_SERVERS (--bootstrap-servers) must be set: the job reads from Kafka",
                e.getMessage());
    }
}
