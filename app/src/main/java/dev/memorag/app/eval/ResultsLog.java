package dev.memorag.app.eval;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.memorag.schemas.Json;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The per-example results file, {@code results.jsonl}: appended one line per scored pair as soon as it is scored,
 * so an interrupted run loses at most the pair in flight, and a re-run skips what is already there.
 */
public final class ResultsLog {
    private static final ObjectReader READER = Json.MAPPER.readerFor(ExampleResult.class)
            .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Path file;

    public ResultsLog(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    public List<ExampleResult> load() throws IOException {
        List<ExampleResult> results = new ArrayList<>();
        if (!Files.exists(file)) {
            return results;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            // a run killed mid-write can leave a torn last line; that pair is simply scored again
            if (!line.isBlank() && line.endsWith("}")) {
                results.add(READER.readValue(line));
            }
        }
        return results;
    }

    /** The (mode, id) pairs already scored. */
    public Set<String> scoredKeys() throws IOException {
        Set<String> keys = new HashSet<>();
        load().forEach(r -> keys.add(key(r.mode(), r.id())));
        return keys;
    }

    public static String key(String mode, String id) {
        return mode + "\u0000" + id;
    }

    public void append(ExampleResult result) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND)) {
            out.write(Json.writeString(result));
            out.write('\n');
        }
    }
}
