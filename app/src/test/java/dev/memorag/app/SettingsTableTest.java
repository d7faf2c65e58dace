package dev.memorag.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memorag.settings.Setting;
import dev.memorag.settings.SettingsCatalogue;
import dev.memorag.settings.SettingsTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * README's settings table is the catalogue's rendering ({@code bin/memorag settings --markdown}), the environment is
 * read only through the settings registry, and every {@code MEMORAG_*} name the sources and {@code bin/memorag}
 * mention is a setting of the catalogue.
 */
class SettingsTableTest {
    private static final Path ROOT = Path.of("..");
    private static final Path REGISTRY = Path.of("dev", "memorag", "settings");
    private static final Pattern NAME = Pattern.compile("\\b(MEMORAG_[A-Z0-9_]+)\\b");
    private static final Pattern TABLE =
            Pattern.compile("(?m)^\\| env \\| CLI \\| default \\| meaning \\|\\n(^\\|.*\\n)+");

    @Test
    void theReadmeTableIsTheCataloguesRendering() throws IOException {
        Matcher table = TABLE.matcher(Files.readString(ROOT.resolve("README.md")));
        assertTrue(table.find(), "README.md has a settings table");
        assertEquals(
                SettingsTable.markdown(SettingsCatalogue.all()),
                table.group(),
                "README.md's settings table is stale: replace it with the output of bin/memorag settings --markdown");
    }

    @Test
    void onlyTheRegistryReadsTheEnvironment() throws IOException {
        List<String> readers = new ArrayList<>();
        for (Path file : mainSources()) {
            if (!file.getParent().endsWith(REGISTRY) && Files.readString(file).contains("getenv(")) {
                readers.add(file.toString());
            }
        }
        assertEquals(List.of(), readers, "sources that read the environment outside dev.memorag.settings");
    }

    @Test
    void everyVariableTheSourcesAndTheLauncherNameIsASetting() throws IOException {
        Set<String> named = new TreeSet<>();
        for (Path file : mainSources()) {
            named.addAll(names(Files.readString(file)));
        }
        Set<String> launcher = names(Files.readString(ROOT.resolve("bin/memorag")));
        named.addAll(launcher);
        Set<String> known = SettingsCatalogue.all().stream().map(Setting::env).collect(Collectors.toSet());
        named.removeAll(known);
        assertEquals(Set.of(), named, "MEMORAG_* names in main sources or bin/memorag that are no setting");
        assertEquals(
                SettingsCatalogue.of(Setting.Scope.LAUNCHER).stream()
                        .map(Setting::env)
                        .collect(Collectors.toSet()),
                launcher,
                "bin/memorag reads the launcher's settings");
    }

    private static List<Path> mainSources() throws IOException {
        List<Path> sources = new ArrayList<>();
        try (Stream<Path> modules = Files.list(ROOT)) {
            for (Path main : modules.map(m -> m.resolve("src/main/java"))
                    .filter(Files::isDirectory)
                    .toList()) {
                try (Stream<Path> files = Files.walk(main)) {
                    files.filter(f -> f.toString().endsWith(".java")).forEach(sources::add);
                }
            }
        }
        assertTrue(sources.size() > 100, "main sources found: " + sources.size());
        return sources;
    }

    private static Set<String> names(String text) {
        Set<String> names = new TreeSet<>();
        Matcher m = NAME.matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }
}
