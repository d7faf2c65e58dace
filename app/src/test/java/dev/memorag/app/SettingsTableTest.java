package dev.memorag.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every MEMORAG_* variable the code reads has its row in README's settings table, and every row is read somewhere. */
class SettingsTableTest {
    private static final Path ROOT = Path.of("..");
    private static final Pattern QUOTED = Pattern.compile("\"(MEMORAG_[A-Z0-9_]+)\"");
    private static final Pattern SHELL = Pattern.compile("\\b(MEMORAG_[A-Z0-9_]+)\\b");
    private static final Pattern ROW = Pattern.compile("(?m)^\\| `(MEMORAG_[A-Z0-9_]+)` \\|");

    @Test
    void theReadmeTableListsExactlyTheVariablesTheCodeReads() throws IOException {
        Set<String> read = new TreeSet<>();
        try (Stream<Path> modules = Files.list(ROOT)) {
            for (Path main : modules.map(m -> m.resolve("src/main/java")).filter(Files::isDirectory).toList()) {
                try (Stream<Path> files = Files.walk(main)) {
                    for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                        read.addAll(matches(QUOTED, Files.readString(file)));
                    }
                }
            }
        }
        read.addAll(matches(SHELL, Files.readString(ROOT.resolve("bin/memorag"))));
        Set<String> documented = matches(ROW, Files.readString(ROOT.resolve("README.md")));
        assertEquals(read, documented, "README.md's settings table against the MEMORAG_* names in main sources and "
                + "bin/memorag");
    }

    private static Set<String> matches(Pattern pattern, String text) {
        Set<String> names = new TreeSet<>();
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }
}
