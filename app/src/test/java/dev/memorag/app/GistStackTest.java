package dev.memorag.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.memorag.app.cli.MemoragCli;
import dev.memorag.schemas.Json;
import dev.memorag.settings.Generator;
import dev.memorag.settings.MemoryBackend;
import dev.memorag.settings.SettingsCatalogue;
import dev.memorag.worker.llm.LlmStandIn;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded stack with the gist memory and the openai generator, both on a scripted OpenAI-compatible stand-in
 * that refuses (HTTP 503) every gist of one corpus: that corpus's status and answers say so and its answers use the
 * question as the only clue, while the other corpus gets its gists and clues from them.
 */
class GistStackTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void aCorpusWhoseMemoryCannotBeBuiltSaysSoWhileTheOtherIsServed() throws Exception {
        LlmStandIn.Script memoRag = LlmStandIn.memoRag(200);
        try (LlmStandIn llm =
                new LlmStandIn((call, index) -> call.isGist() && call.prompt().contains("Trotty")
                        ? LlmStandIn.Reply.status(503, null)
                        : memoRag.reply(call, index))) {
            StackConfig config = StackConfig.defaults()
                    .isolatedIn(dir.resolve("data"))
                    .with(SettingsCatalogue.MEMORY, MemoryBackend.GIST)
                    .with(SettingsCatalogue.GENERATOR, Generator.OPENAI)
                    .with(SettingsCatalogue.OPENAI_URL, llm.base())
                    .with(SettingsCatalogue.OPENAI_MODEL, "answer-model")
                    .with(SettingsCatalogue.MEMORY_MODEL, "gist-model")
                    .with(SettingsCatalogue.GIST_TOKENS, 256)
                    .with(SettingsCatalogue.GIST_CONTEXT_TOKENS, 4096);
            String carol = Files.readString(Path.of("..", "samples", "a-christmas-carol.txt"))
                    .substring(0, 6000);
            Path stave = Files.writeString(dir.resolve("stave-one.txt"), carol);
            Path chimes = Files.writeString(
                    dir.resolve("chimes.txt"),
                    ("Toby Veck, called Trotty for his pace, "
                                    + "waited for jobs by the church door in all weathers while the chimes rang overhead. ")
                            .repeat(30));
            try (EmbeddedStack stack = EmbeddedStack.start(config)) {
                for (Map.Entry<String, Path> corpus :
                        Map.of("carol", stave, "chimes", chimes).entrySet()) {
                    assertEquals(
                            0,
                            MemoragCli.commandLine()
                                    .execute(
                                            "ingest",
                                            corpus.getKey(),
                                            "--create",
                                            "--url",
                                            stack.ingestUrl(),
                                            "--token",
                                            stack.adminToken(),
                                            "--timeout",
                                            "PT3M",
                                            corpus.getValue().toString()));
                }
                JsonNode carolMemory =
                        awaitMemory(stack, "carol", m -> m.path("windows").asLong() >= 2);
                assertEquals("gist", carolMemory.path("backend").asText(), carolMemory::toString);
                assertTrue(carolMemory.path("problem").isMissingNode(), carolMemory::toString);
                JsonNode chimesMemory = awaitMemory(stack, "chimes", m -> m.has("problem"));
                assertTrue(chimesMemory.path("problem").asText().contains("HTTP 503"), chimesMemory::toString);
                assertEquals(0, chimesMemory.path("windows").asLong(), chimesMemory::toString);

                JsonNode answer = ask(stack, "carol", "Who signed the register of Marley's burial?");
                assertEquals("gist", answer.path("memory").path("backend").asText(), answer::toString);
                assertTrue(
                        answer.path("clues").toString().contains("Scrooge signed the register"),
                        "clues from the gist memory: " + answer);
                assertEquals("openai:answer-model", answer.path("generator").asText());
                assertTrue(
                        llm.calls().stream()
                                .anyMatch(c -> c.model().equals("gist-model")
                                        && !c.isGist()
                                        && c.messages().get(0).content().contains("gist ")),
                        "clue calls carry the gists");

                JsonNode fallback = ask(stack, "chimes", "Where did Trotty wait?");
                assertEquals(
                        "[\"Where did Trotty wait?\"]", fallback.path("clues").toString(), fallback::toString);
                assertTrue(
                        fallback.path("memory").path("problem").asText().endsWith("the question is the only clue"),
                        fallback::toString);
                assertFalse(fallback.path("evidence").isEmpty(), "retrieval still answers: " + fallback);
            }
        }
    }

    /** The corpus's memory in its status, once {@code ready} holds for it. */
    private static JsonNode awaitMemory(EmbeddedStack stack, String corpus, Predicate<JsonNode> ready)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        JsonNode memory = null;
        while (System.nanoTime() < deadline) {
            memory = send(
                            stack,
                            HttpRequest.newBuilder(URI.create(stack.ingestUrl() + "/v1/corpora/" + corpus + "/status")))
                    .path("memory");
            if (ready.test(memory)) {
                return memory;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("the memory of " + corpus + " never got there: " + memory);
    }

    private static JsonNode ask(EmbeddedStack stack, String corpus, String question) throws Exception {
        return send(
                stack,
                HttpRequest.newBuilder(URI.create(stack.httpUrl() + "/v1/corpora/" + corpus + "/ask"))
                        .header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(Json.writeString(Map.of("question", question)))));
    }

    private static JsonNode send(EmbeddedStack stack, HttpRequest.Builder request) throws Exception {
        HttpResponse<String> response = HTTP.send(
                request.header("authorization", "Bearer " + stack.adminToken()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response::body);
        return Json.MAPPER.readTree(response.body());
    }
}
