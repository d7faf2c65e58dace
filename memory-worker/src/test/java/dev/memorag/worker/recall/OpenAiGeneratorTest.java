package dev.memorag.worker.recall;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.memorag.schemas.Question;
import dev.memorag.worker.llm.OpenAiClient;
import dev.memorag.worker.llm.RetryPolicy;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The OpenAI-compatible generator against a local stand-in for such a server (the one outside service tests may
 * replace): the request it sends, the streamed deltas it reads, and the error it raises on a refusal.
 */
class OpenAiGeneratorTest {
    private HttpServer server;
    private final AtomicReference<JsonNode> received = new AtomicReference<>();
    private final AtomicReference<String> authorization = new AtomicReference<>();

    @BeforeEach
    void startServer() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/chat/completions", exchange -> {
            JsonNode body = new ObjectMapper().readTree(exchange.getRequestBody());
            received.set(body);
            authorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
            if (body.path("model").asText().equals("missing")) {
                byte[] error =
                        "{\"error\":{\"message\":\"model 'missing' not found\"}}".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(404, error.length);
                exchange.getResponseBody().write(error);
                exchange.close();
                return;
            }
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                for (String delta : List.of("Camden", " Town", ".")) {
                    out.write(("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + delta + "\"}}]}\n\n")
                            .getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
                out.write(
                        "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n"
                                .getBytes(StandardCharsets.UTF_8));
            }
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private URI base() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
    }

    @Test
    void streamsTheDeltasOfMemoRagsAnswerPrompt() {
        OpenAiGenerator generator =
                new OpenAiGenerator(new OpenAiClient(base(), "qwen2-7b-instruct", "secret", RetryPolicy.DEFAULT));
        Question question = new Question(1, "q", "carol", "Where did the turkey go?", null, null, 64, null, null, null);
        List<String> streamed = new ArrayList<>();
        String answer = generator
                .answer(
                        new AnswerGenerator.Request(
                                question,
                                List.of(),
                                new float[0],
                                List.of("Scrooge sent the prize turkey.", "It went to Camden Town.")),
                        streamed::add)
                .text();

        assertEquals("Camden Town.", answer);
        assertEquals(List.of("Camden", " Town", "."), streamed, "text arrives as the server streams it");
        assertEquals("openai:qwen2-7b-instruct", generator.name());
        JsonNode body = received.get();
        assertTrue(body.path("stream").asBoolean());
        assertEquals(64, body.path("max_tokens").asInt());
        assertEquals(
                "Read the text below and answer a question.\n\nScrooge sent the prize turkey.\n\nIt went to "
                        + "Camden Town.\n\nQuestion: Where did the turkey go?\n\nBe concise.",
                body.path("messages").path(0).path("content").asText(),
                "MemoRAG's qa_gen prompt");
        assertEquals("Bearer secret", authorization.get());
    }

    @Test
    void aRefusalNamesTheServerAndItsAnswer() {
        OpenAiGenerator generator = new OpenAiGenerator(new OpenAiClient(base(), "missing", null, RetryPolicy.DEFAULT));
        Question question = Question.of("q", "carol", "Where?");
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> generator.answer(
                        new AnswerGenerator.Request(question, List.of(), new float[0], List.of("text")), text -> {}));
        assertTrue(
                e.getMessage().contains("HTTP 404") && e.getMessage().contains("model 'missing' not found"),
                e.getMessage());
    }
}
