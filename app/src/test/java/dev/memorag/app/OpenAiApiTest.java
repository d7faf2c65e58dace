package dev.memorag.app;

import static dev.memorag.app.StackHttp.post;
import static dev.memorag.app.StackHttp.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.memorag.schemas.Json;
import dev.memorag.settings.SettingsCatalogue;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenAI-compatible API against the whole embedded stack: the official {@code openai} npm client lists the
 * corpora as models, gets a streamed and a non-streamed answer holding a fact of the corpus, and raises its own error
 * classes for 401, 403, 404 and 400; the raw stream is OpenAI's SSE; hostile bodies and a burst get OpenAI errors.
 */
class OpenAiApiTest {
    private static final Path NODE_DIR = Path.of("src", "test", "node");
    private static final String FACT = "Camden Town";
    private static final String DICKENS_TEXT = "Marley was dead: to begin with. There is no doubt whatever about that. "
            + "Scrooge signed the register of his burial. Old Marley was as dead as a door-nail. "
            + "The turkey was sent to Bob Cratchit's house in " + FACT + " by cab.";
    private static final String QUESTION = "Where was the turkey sent?";

    @TempDir
    static Path dataDir;

    static EmbeddedStack stack;
    static final Map<String, String> TOKENS = new LinkedHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        stack = EmbeddedStack.start(StackConfig.defaults()
                .isolatedIn(dataDir)
                .with(SettingsCatalogue.MAX_IN_FLIGHT_PER_CORPUS, 64)
                .with(SettingsCatalogue.QUESTIONS_PER_SECOND, 5.0));
        for (String corpus : List.of("dickens", "austen", "limited")) {
            HttpResponse<String> created =
                    send(post(stack.ingestUrl() + "/v1/corpora", stack.adminToken(), "{\"id\":\"" + corpus + "\"}"));
            assertEquals(201, created.statusCode(), created.body());
            TOKENS.put(
                    corpus, Json.MAPPER.readTree(created.body()).path("token").asText());
        }
        StackHttp.put(stack, TOKENS.get("dickens"), "dickens", "carol.txt", DICKENS_TEXT);
        StackHttp.awaitMemorized(stack, TOKENS.get("dickens"), "dickens", "carol.txt");
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void theOfficialOpenAiClientListsCorporaChatsAndRaisesItsErrorClasses() throws Exception {
        Map<String, JsonNode> steps = NodeScripts.run(
                        NODE_DIR,
                        "openai-client.mjs",
                        stack.httpUrl() + "/v1",
                        TOKENS.get("dickens"),
                        "dickens",
                        "austen",
                        stack.adminToken(),
                        QUESTION)
                .stream()
                .collect(Collectors.toMap(n -> n.path("step").asText(), Function.identity()));

        assertEquals(List.of("dickens"), texts(steps.get("models").path("ids")), "a corpus token sees its corpus");
        assertEquals(
                List.of("austen", "dickens", "limited"),
                texts(steps.get("admin models").path("ids")));
        assertEquals("model", steps.get("model").path("model").path("object").asText());

        JsonNode completion = steps.get("completion");
        assertEquals("chat.completion", completion.path("object").asText());
        assertEquals("assistant", completion.path("role").asText());
        assertEquals("stop", completion.path("finish").asText());
        assertTrue(completion.path("content").asText().contains(FACT), completion.toString());
        assertEvidenceHoldsTheFact(completion.path("memorag"));

        JsonNode stream = steps.get("stream");
        assertEquals("assistant", stream.path("role").asText());
        assertEquals("stop", stream.path("finish").asText());
        assertTrue(stream.path("chunks").asInt() >= 2, "content chunks, then the last one: " + stream);
        assertTrue(stream.path("content").asText().contains(FACT), stream.toString());
        assertEvidenceHoldsTheFact(stream.path("memorag"));

        assertRaised(steps.get("bad key"), "AuthenticationError", 401, "authentication_error");
        assertRaised(steps.get("no models without a key"), "AuthenticationError", 401, "authentication_error");
        assertRaised(steps.get("other corpus"), "PermissionDeniedError", 403, "permission_error");
        assertRaised(steps.get("unknown model"), "NotFoundError", 404, "not_found_error");
        assertRaised(steps.get("n=2"), "BadRequestError", 400, "invalid_request_error");
        assertEquals("n", steps.get("n=2").path("param").asText());
    }

    @Test
    void aStreamIsUnnamedChunkEventsEndingInDone() throws Exception {
        HttpResponse<String> response = send(post(
                stack.httpUrl() + "/v1/chat/completions",
                TOKENS.get("dickens"),
                "{\"model\":\"dickens\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"" + QUESTION
                        + "\"}]}"));
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(
                "text/event-stream",
                response.headers().firstValue("content-type").orElse(""));
        List<String> events = List.of(response.body().split("\n\n"));
        assertTrue(events.stream().allMatch(e -> e.startsWith("data: ") && !e.contains("\nevent:")), response.body());
        assertEquals("data: [DONE]", events.get(events.size() - 1));
        List<JsonNode> chunks = new ArrayList<>();
        for (String event : events.subList(0, events.size() - 1)) {
            chunks.add(Json.MAPPER.readTree(event.substring("data: ".length())));
        }
        assertTrue(
                chunks.stream()
                        .allMatch(c -> c.path("object").asText().equals("chat.completion.chunk")
                                && c.path("model").asText().equals("dickens")
                                && c.path("id")
                                        .asText()
                                        .equals(chunks.get(0).path("id").asText())),
                "one id: " + chunks);
        JsonNode last = chunks.get(chunks.size() - 1);
        assertEquals("stop", last.path("choices").path(0).path("finish_reason").asText());
        assertEvidenceHoldsTheFact(last.path("memorag"));
        assertFalse(last.path("memorag").has("answer"), "the extension leaves the text to the message");
    }

    @Test
    void hostileRequestsGetOpenAiErrors() throws Exception {
        String url = stack.httpUrl() + "/v1/chat/completions";
        String token = TOKENS.get("dickens");
        assertOpenAiError(send(post(url, token, "not json")), 400, "malformed_json", null);
        assertOpenAiError(
                send(post(url, token, "{\"model\":\"dickens\",\"messages\":[]}")), 400, "schema_violation", "messages");
        assertOpenAiError(
                send(post(
                        url,
                        token,
                        "{\"model\":\"dickens\",\"messages\":[{\"role\":\"system\"," + "\"content\":\"be brief\"}]}")),
                400,
                "schema_violation",
                "messages");
        assertOpenAiError(
                send(post(
                        url,
                        token,
                        "{\"model\":\"dickens\",\"messages\":[{\"role\":\"user\"," + "\"content\":\""
                                + "x".repeat(100_000) + "\"}]}")),
                413,
                "too_large",
                null);
        assertOpenAiError(send(post(url, null, "{}")), 401, "unauthorized", null);
        assertOpenAiError(
                send(HttpRequest.newBuilder(URI.create(stack.httpUrl() + "/v1/models"))
                        .build()),
                401,
                "unauthorized",
                null);
        assertOpenAiError(
                send(HttpRequest.newBuilder(URI.create(stack.httpUrl() + "/v1/models/austen"))
                        .header("authorization", "Bearer " + token)
                        .build()),
                403,
                "forbidden",
                "model");
    }

    @Test
    void aBurstOverTheCorpusRateGetsRateLimitErrorsAndAnEmptyCorpusSaysSo() throws Exception {
        List<HttpResponse<String>> limited = new ArrayList<>();
        for (HttpResponse<String> r : StackHttp.burst(
                post(
                        stack.httpUrl() + "/v1/chat/completions",
                        TOKENS.get("limited"),
                        "{\"model\":\"limited\",\"messages\":[{\"role\":\"user\"," + "\"content\":\"anything?\"}]}"),
                30)) {
            if (r.statusCode() == 429) {
                limited.add(r);
            } else {
                assertOpenAiError(r, 404, "empty_corpus", null);
            }
        }
        assertFalse(limited.isEmpty(), "a burst of 30 over a rate of 5/s is limited");
        assertOpenAiError(limited.get(0), 429, "rate_limited", null);
        assertEquals(
                "rate_limit_error",
                Json.MAPPER
                        .readTree(limited.get(0).body())
                        .path("error")
                        .path("type")
                        .asText());
        assertTrue(limited.get(0).headers().firstValue("retry-after").isPresent());
    }

    private static void assertEvidenceHoldsTheFact(JsonNode memorag) {
        assertEquals("dickens", memorag.path("corpus").asText(), memorag.toString());
        assertTrue(memorag.path("clues").isArray() && !memorag.path("clues").isEmpty(), memorag.toString());
        assertTrue(
                memorag.path("evidence").findValuesAsText("text").stream().anyMatch(t -> t.contains(FACT)),
                memorag.toString());
        assertTrue(memorag.path("memory").path("documents").asLong() >= 1, memorag.toString());
    }

    private static void assertRaised(JsonNode step, String errorClass, int status, String type) {
        assertEquals(errorClass, step.path("error").asText(), step.toString());
        assertEquals(status, step.path("status").asInt(), step.toString());
        assertEquals(type, step.path("type").asText(), step.toString());
    }

    private static void assertOpenAiError(HttpResponse<String> response, int status, String code, String param)
            throws Exception {
        assertEquals(status, response.statusCode(), response.body());
        JsonNode error = Json.MAPPER.readTree(response.body()).path("error");
        assertEquals(code, error.path("code").asText(), response.body());
        assertEquals(param == null ? "null" : param, error.path("param").asText(), response.body());
        assertFalse(error.path("message").asText().isBlank(), response.body());
        assertTrue(error.has("type"), response.body());
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
