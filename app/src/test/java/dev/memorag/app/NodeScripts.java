package dev.memorag.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.memorag.schemas.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the Node.js clients of {@code src/test/node} (npm-installed on first use) and reads their JSON lines. */
final class NodeScripts {
    private NodeScripts() {}

    /** Children never inherit this JVM's stdout/stderr: the test runner talks to its fork over them. */
    static List<JsonNode> run(Path dir, String script, String... args) throws Exception {
        assumeTrue(exists("node") && exists("npm"), "Node.js is not installed");
        Path log = Files.createTempFile("node-", ".log");
        if (!Files.isDirectory(dir.resolve("node_modules"))) {
            Process install = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund")
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            assertEquals(0, install.waitFor(), () -> "npm install in " + dir + ": " + read(log));
        }
        List<String> command = new ArrayList<>(List.of("node", script));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectError(log.toFile())
                .start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(150, TimeUnit.SECONDS));
        assertEquals(
                0, process.exitValue(), () -> "node " + script + " failed; output: " + out + "; errors: " + read(log));
        List<JsonNode> lines = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (!line.isBlank()) {
                lines.add(Json.MAPPER.readTree(line));
            }
        }
        return lines;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    private static boolean exists(String name) {
        try {
            return new ProcessBuilder(name, "--version").start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
