package dev.memorag.app.cli;

import static dev.memorag.settings.SettingsCatalogue.QUERY_URL;

import com.fasterxml.jackson.databind.JsonNode;
import dev.memorag.schemas.Json;
import dev.memorag.settings.Setting;
import dev.memorag.settings.Settings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Iterator;
import java.util.Map;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code memorag ask <corpus> "question"}: streams the answer to the terminal as its events arrive (SSE). */
@Command(name = "ask", description = "Ask a corpus a question and stream the answer.")
final class AskCommand extends ClientCommand {
    @Parameters(index = "0", description = "corpus id")
    String corpus;

    @Parameters(index = "1", description = "the question")
    String question;

    @Option(
            names = {"-v", "--verbose"},
            description = "also print the clues and the evidence")
    boolean verbose;

    @Option(names = "--top-k", description = "passages per clue (default 3)")
    int topK = 3;

    @Override
    Setting<URI> service() {
        return QUERY_URL;
    }

    @Override
    public Integer call() throws Exception {
        Settings settings = settings();
        String bearer = bearer(settings);
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create(root(settings, QUERY_URL) + "/v1/corpora/" + corpus + "/ask"))
                .header("authorization", "Bearer " + bearer)
                .header("content-type", "application/json")
                .header("accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(Json.writeString(Map.of("question", question, "topK", topK))))
                .build();
        HttpResponse<Stream<String>> response =
                HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofLines());
        if (response.statusCode() != 200) {
            String body = String.join("\n", response.body().toList());
            System.err.println("error " + response.statusCode() + ": " + body);
            return 1;
        }
        Iterator<String> lines = response.body().iterator();
        while (lines.hasNext()) {
            String line = lines.next();
            if (line.startsWith("data: ") && !print(Json.MAPPER.readTree(line.substring(6)))) {
                return 1;
            }
        }
        return 0;
    }

    /** Prints one answer event; false for an error event. */
    private boolean print(JsonNode event) {
        switch (event.path("type").asText()) {
            case "clues" -> {
                if (verbose) {
                    event.path("clues").forEach(c -> System.out.println("clue: " + c.asText()));
                }
            }
            case "evidence" -> {
                if (verbose) {
                    event.path("evidence")
                            .forEach(e -> System.out.printf(
                                    "evidence %s#%d (%.3f): %s%n",
                                    e.path("doc").asText(),
                                    e.path("index").asInt(),
                                    e.path("score").asDouble(),
                                    e.path("text").asText().replaceAll("\\s+", " ")));
                }
            }
            case "token" -> {
                System.out.print(event.path("text").asText());
                System.out.flush();
            }
            case "done" -> {
                JsonNode answer = event.path("answer");
                System.out.printf(
                        "%n[memory backend: %s · generator: %s · %d ms]%n",
                        answer.path("memory").path("backend").asText(),
                        answer.path("generator").asText(),
                        answer.path("timings").path("totalMs").asLong());
            }
            case "error" -> {
                System.err.println("\nerror " + event.path("error").path("code").asText() + ": "
                        + event.path("error").path("message").asText());
                return false;
            }
            default -> {}
        }
        return true;
    }
}
