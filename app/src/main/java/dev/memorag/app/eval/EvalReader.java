package dev.memorag.app.eval;

import com.fasterxml.jackson.databind.JsonNode;
import dev.memorag.schemas.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Reads LongBench-format JSONL files, keeping the requested tasks and at most {@code limit} examples. */
public final class EvalReader {
    private EvalReader() {}

    /**
     * @param tasks tasks to keep; empty keeps all
     * @param limit most examples to return, in file order; 0 or less means no limit
     */
    public static List<EvalExample> read(List<Path> files, Set<String> tasks, int limit) throws IOException {
        List<EvalExample> examples = new ArrayList<>();
        for (Path file : files) {
            try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                int lineNo = 0;
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lineNo++;
                    if (line.isBlank()) {
                        continue;
                    }
                    EvalExample example = parse(line, file + ":" + lineNo);
                    if (tasks.isEmpty() || tasks.contains(example.task())) {
                        examples.add(example);
                        if (limit > 0 && examples.size() == limit) {
                            return examples;
                        }
                    }
                }
            }
        }
        return examples;
    }

    private static EvalExample parse(String line, String where) throws IOException {
        JsonNode node = Json.MAPPER.readTree(line);
        for (String field : List.of("id", "context", "question", "answers")) {
            if (!node.hasNonNull(field)) {
                throw new IOException(where + ": missing field '" + field + "'");
            }
        }
        if (!node.get("answers").isArray()) {
            throw new IOException(where + ": 'answers' must be a list of strings");
        }
        List<String> answers = new ArrayList<>();
        node.get("answers").forEach(a -> answers.add(a.asText()));
        // score.py files an example without a task under "all"
        return new EvalExample(
                node.get("id").asText(),
                node.path("task").asText("all"),
                node.get("context").asText(),
                node.get("question").asText(),
                List.copyOf(answers));
    }
}
