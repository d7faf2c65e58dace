package dev.memorag.app.eval;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.memorag.schemas.Json;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
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
    private static final ObjectReader READER =
            Json.MAPPER.readerFor(ExampleResult.class).without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

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
        String content = Files.readString(file, StandardCharsets.UTF_8);
        List<String> lines = List.of(content.split("\n"));
        // every result is written with its newline: a last line without one was torn by a killed run
        int complete = content.endsWith("\n") ? lines.size() : lines.size() - 1;
        for (String line : lines.subList(0, complete)) {
            if (!line.isBlank()) {
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
        if (Files.exists(file)) {
            dropTornLine();
        }
        try (BufferedWriter out = Files.newBufferedWriter(
                file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            out.write(Json.writeString(result));
            out.write('\n');
        }
    }

    /** Cuts a torn last line (no newline) so the next result starts a line of its own; its pair is scored again. */
    private void dropTornLine() throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer last = ByteBuffer.allocate(1);
            long end = channel.size();
            while (end > 0) {
                last.clear();
                channel.read(last, end - 1);
                if (last.get(0) == '\n') {
                    break;
                }
                end--;
            }
            channel.truncate(end);
        }
    }
}
