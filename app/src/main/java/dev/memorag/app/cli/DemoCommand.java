package dev.memorag.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.memorag.app.EmbeddedStack;
import dev.memorag.app.StackConfig;
import dev.memorag.app.client.IngestClient;
import dev.memorag.app.client.ProgressFollower;
import dev.memorag.schemas.Json;
import dev.memorag.settings.Part;
import dev.memorag.settings.Setting;
import dev.memorag.settings.SettingsCatalogue;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", description = "Start the embedded stack, ingest A Christmas Carol, ask three questions.")
final class DemoCommand extends ConfiguredCommand {
    static final String CORPUS = "christmas-carol";
    static final List<String> QUESTIONS = List.of(
            "How many years had Jacob Marley been dead when his ghost visited Scrooge?",
            "To which part of London did Scrooge send the prize turkey?",
            "Which of the Cratchit children walks with a little crutch?");

    @Option(names = "--file", description = "text file to ingest (default samples/a-christmas-carol.txt)")
    Path file = Path.of("samples", "a-christmas-carol.txt");

    @Override
    List<Setting<?>> options() {
        return PartCommand.stackSettings(false);
    }

    @Override
    public Integer call() throws Exception {
        StackConfig config = new StackConfig(settings().with(SettingsCatalogue.PARTS, EnumSet.allOf(Part.class)));
        try (EmbeddedStack stack = EmbeddedStack.start(config)) {
            Endpoints.print(stack);
            IngestClient client = new IngestClient(stack.ingestUrl(), stack.adminToken());
            IngestClient.Reply created = client.createCorpus(CORPUS);
            if (!created.ok() && created.status() != 409) {
                throw new IllegalStateException("cannot create corpus '" + CORPUS + "': " + created.error());
            }
            String doc = file.getFileName().toString();
            IngestClient.Reply put = client.putFile(CORPUS, doc, file);
            if (!put.ok()) {
                throw new IllegalStateException("the gateway refused " + file + ": " + put.error());
            }
            System.out.printf(
                    "%nUploaded %s (%,d bytes) to corpus '%s'; admission, chunking, embedding, memory:%n",
                    doc, Files.size(file), CORPUS);
            ProgressFollower.Outcome outcome =
                    new ProgressFollower(client, CORPUS, System.out).follow(List.of(doc), Duration.ofMinutes(10));
            if (!outcome.settled() || !outcome.rejected().isEmpty()) {
                throw new IllegalStateException("the document did not reach memory: " + outcome.rejected());
            }
            JsonNode memory = client.corpusStatus(CORPUS).body().path("memory");
            System.out.printf(
                    "Stored %d passages (%,d tokens), memory backend %s.%n",
                    memory.path("chunks").asLong(),
                    memory.path("tokens").asLong(),
                    memory.path("backend").asText());
            HttpClient http = HttpClient.newHttpClient();
            for (String question : QUESTIONS) {
                ask(http, stack.httpUrl(), stack.adminToken(), question);
            }
        }
        return 0;
    }

    private static void ask(HttpClient http, String baseUrl, String token, String question) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/v1/corpora/" + CORPUS + "/ask"))
                .header("content-type", "application/json")
                .header("authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(Json.writeString(Map.of("question", question))))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        JsonNode answer = Json.MAPPER.readTree(response.body());
        System.out.println("\nQ: " + question);
        if (response.statusCode() != 200) {
            System.out.println("   error " + response.statusCode() + ": " + answer.path("error"));
            return;
        }
        System.out.println("A: " + answer.path("answer").asText());
        System.out.printf(
                "   memory backend: %s · generator: %s · %d ms%n",
                answer.path("memory").path("backend").asText(),
                answer.path("generator").asText(),
                answer.path("timings").path("totalMs").asLong());
        for (JsonNode e : answer.path("evidence")) {
            String text = e.path("text").asText().replaceAll("\\s+", " ");
            System.out.printf(
                    "   evidence %s#%d (score %.3f, characters %d-%d): %s…%n",
                    e.path("doc").asText(),
                    e.path("index").asInt(),
                    e.path("score").asDouble(),
                    e.path("start").asInt(),
                    e.path("end").asInt(),
                    text.substring(0, Math.min(160, text.length())));
            for (JsonNode h : e.path("highlights")) {
                System.out.printf(
                        "      quoted: characters %d-%d%n",
                        h.path("start").asInt(), h.path("end").asInt());
            }
        }
    }
}
