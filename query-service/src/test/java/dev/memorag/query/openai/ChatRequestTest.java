package dev.memorag.query.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.memorag.schemas.ErrorCode;
import dev.memorag.schemas.ErrorInfo;
import dev.memorag.schemas.Json;
import dev.memorag.schemas.Question;
import dev.memorag.schemas.RecordValidator;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** How a chat completion body becomes a question, and how a body that cannot is refused in OpenAI's shape. */
class ChatRequestTest {
    private final RecordValidator validator = new RecordValidator();

    @Test
    void theLastUserMessageIsTheQuestionAndEarlierTurnsItsConversation() {
        ChatRequest request = parse(Map.of(
                "model",
                "dickens",
                "stream",
                true,
                "max_tokens",
                64,
                "temperature",
                0.7,
                "messages",
                List.of(
                        Map.of("role", "system", "content", "Answer briefly."),
                        Map.of("role", "user", "content", "Where was the turkey sent?"),
                        Map.of("role", "assistant", "content", "To Bob Cratchit's house."),
                        Map.of(
                                "role",
                                "user",
                                "content",
                                List.of(
                                        Map.of("type", "text", "text", "Who sent it?"),
                                        Map.of("type", "text", "text", "And how?"))))));

        Question question = request.toQuestion("q1", validator);

        assertEquals("dickens", question.corpus());
        assertEquals("q1", question.id());
        assertEquals("Who sent it?\nAnd how?", question.question());
        assertEquals(
                "system: Answer briefly.\nuser: Where was the turkey sent?\nassistant: To Bob Cratchit's house.",
                question.conversation());
        assertEquals(64, question.maxTokens());
        assertTrue(question.stream());
        assertTrue(question.inConversation().startsWith("Conversation so far:\nsystem: Answer briefly."));
        assertTrue(question.inConversation().endsWith("Current question: Who sent it?\nAnd how?"));
    }

    @Test
    void aSingleQuestionHasNoConversationAndMaxCompletionTokensWins() {
        ChatRequest request = parse(Map.of(
                "model",
                "dickens",
                "max_completion_tokens",
                32,
                "max_tokens",
                99,
                "messages",
                List.of(Map.of("role", "user", "content", "How dead was Marley?"))));

        Question question = request.toQuestion("q2", validator);

        assertNull(question.conversation());
        assertEquals("How dead was Marley?", question.inConversation());
        assertEquals(32, question.maxTokens());
        assertFalse(request.stream());
    }

    @Test
    void onlyTheNewestTurnsThatFitAreKept() {
        String old = "o".repeat(ChatRequest.CONVERSATION_CHARS);
        ChatRequest request = parse(Map.of(
                "model",
                "dickens",
                "messages",
                List.of(
                        Map.of("role", "user", "content", old),
                        Map.of("role", "assistant", "content", "recent answer"),
                        Map.of("role", "user", "content", "next question"))));

        assertEquals("assistant: recent answer", request.conversation());
        assertEquals(
                "assistant: recent answer", request.toQuestion("q3", validator).conversation());
    }

    @Test
    void hostileBodiesAreRefusedNamingTheParameter() {
        assertRefused("not json", 400, "malformed_json", null);
        assertRefused("[1, 2]", 400, "malformed_json", null);
        assertRefused("", 400, "malformed_json", null);
        assertRefused("{\"messages\": [{\"role\": \"user\", \"content\": \"q\"}]}", 400, "schema_violation", "model");
        assertRefused("{\"model\": 7, \"messages\": []}", 400, "schema_violation", "model");
        assertRefused("{\"model\": \"d\"}", 400, "schema_violation", "messages");
        assertRefused("{\"model\": \"d\", \"messages\": []}", 400, "schema_violation", "messages");
        assertRefused("{\"model\": \"d\", \"messages\": \"hi\"}", 400, "schema_violation", "messages");
        assertRefused("{\"model\": \"d\", \"messages\": [\"hi\"]}", 400, "schema_violation", "messages[0]");
        assertRefused(
                "{\"model\": \"d\", \"messages\": [{\"role\": \"wizard\", \"content\": \"q\"}]}",
                400,
                "schema_violation",
                "messages[0].role");
        assertRefused(
                "{\"model\": \"d\", \"messages\": [{\"role\": \"tool\", \"content\": \"q\"}]}",
                400,
                "schema_violation",
                "messages[0].role");
        assertRefused(
                "{\"model\": \"d\", \"messages\": [{\"role\": \"user\", \"content\": 42}]}",
                400,
                "schema_violation",
                "messages[0].content");
        assertRefused(
                "{\"model\": \"d\", \"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"image_url\","
                        + " \"image_url\": {\"url\": \"http://x\"}}]}]}",
                400,
                "schema_violation",
                "messages[0].content");
        assertRefused(
                "{\"model\": \"d\", \"messages\": [{\"role\": \"system\", \"content\": \"be brief\"}]}",
                400,
                "schema_violation",
                "messages");
        assertRefused(
                "{\"model\": \"d\", \"messages\": [{\"role\": \"user\", \"content\": \"q\"}, {\"role\": "
                        + "\"assistant\", \"content\": \"a\"}]}",
                400,
                "schema_violation",
                "messages[1]");
        assertRefused(
                "{\"model\": \"d\", \"messages\": [{\"role\": \"user\", \"content\": \"  \"}]}",
                400,
                "schema_violation",
                "messages[0]");
        assertRefused(
                body(Map.of("model", "d", "n", 2, "messages", List.of(Map.of("role", "user", "content", "q")))),
                400,
                "schema_violation",
                "n");
        assertRefused(
                body(Map.of(
                        "model", "d", "stream", "yes", "messages", List.of(Map.of("role", "user", "content", "q")))),
                400,
                "schema_violation",
                "stream");
        assertRefused(
                body(Map.of(
                        "model",
                        "d",
                        "max_tokens",
                        "many",
                        "messages",
                        List.of(Map.of("role", "user", "content", "q")))),
                400,
                "schema_violation",
                "max_tokens");
        assertRefused(
                body(Map.of(
                        "model",
                        "d",
                        "tools",
                        List.of(Map.of("type", "function")),
                        "messages",
                        List.of(Map.of("role", "user", "content", "q")))),
                400,
                "schema_violation",
                "tools");
    }

    @Test
    void aQuestionBeyondTheSchemasBoundsIsRefusedByTheSchema() {
        ChatRequest huge = parse(Map.of(
                "model", "dickens", "messages", List.of(Map.of("role", "user", "content", "why? ".repeat(2000)))));
        ChatRequest.Refused refused = assertThrows(ChatRequest.Refused.class, () -> huge.toQuestion("q", validator));
        assertEquals(400, refused.error().status());
        assertTrue(
                refused.error().message().contains("question"), refused.error().message());

        ChatRequest greedy = parse(Map.of(
                "model",
                "dickens",
                "max_tokens",
                1_000_000,
                "messages",
                List.of(Map.of("role", "user", "content", "q"))));
        assertEquals(
                400,
                assertThrows(ChatRequest.Refused.class, () -> greedy.toQuestion("q", validator))
                        .error()
                        .status());
    }

    @Property(tries = 300)
    void anyBytesAreARequestOrARefusal(@ForAll String text) {
        try {
            ChatRequest.parse(text.getBytes(StandardCharsets.UTF_8));
        } catch (ChatRequest.Refused e) {
            assertEquals(400, e.error().status());
        }
    }

    @Property(tries = 300)
    void anyMessageContentIsARequestOrARefusal(@ForAll String role, @ForAll String content, @ForAll int n) {
        String json = body(Map.of(
                "model",
                "d",
                "n",
                n,
                "messages",
                List.of(Map.of("role", role, "content", content), Map.of("role", "user", "content", content))));
        try {
            ChatRequest.parse(json.getBytes(StandardCharsets.UTF_8)).toQuestion("q", validator);
        } catch (ChatRequest.Refused e) {
            assertEquals(400, e.error().status());
            assertEquals("invalid_request_error", e.error().type());
        }
    }

    @Test
    void errorsHaveOpenAisShapeAndClass() throws Exception {
        OpenAiError error = OpenAiError.of(ErrorInfo.of(ErrorCode.FORBIDDEN, "not yours"), "model");
        JsonNode body = Json.MAPPER.readTree(error.json()).path("error");
        assertEquals(403, error.status());
        assertEquals("not yours", body.path("message").asText());
        assertEquals("permission_error", body.path("type").asText());
        assertEquals("model", body.path("param").asText());
        assertEquals("forbidden", body.path("code").asText());
        OpenAiError unauthorized = OpenAiError.of(ErrorInfo.of(ErrorCode.UNAUTHORIZED, "no"));
        assertTrue(
                Json.MAPPER.readTree(unauthorized.json()).path("error").has("param"),
                "param is always present, null when no parameter is at fault");
        assertEquals("authentication_error", unauthorized.type());
        assertEquals(
                "not_found_error",
                OpenAiError.of(ErrorInfo.of(ErrorCode.UNKNOWN_CORPUS, "no")).type());
        assertEquals(
                "rate_limit_error",
                OpenAiError.of(ErrorInfo.of(ErrorCode.RATE_LIMITED, "slow down"))
                        .type());
        OpenAiError timeout = OpenAiError.of(ErrorInfo.of(ErrorCode.TIMEOUT, "late"));
        assertEquals(504, timeout.status());
        assertEquals("server_error", timeout.type());
    }

    private static ChatRequest parse(Map<String, ?> body) {
        return ChatRequest.parse(body(body).getBytes(StandardCharsets.UTF_8));
    }

    private static String body(Map<String, ?> body) {
        return Json.writeString(body);
    }

    private static void assertRefused(String body, int status, String code, String param) {
        ChatRequest.Refused refused = assertThrows(
                ChatRequest.Refused.class, () -> ChatRequest.parse(body.getBytes(StandardCharsets.UTF_8)), body);
        assertEquals(status, refused.error().status(), body);
        assertEquals(code, refused.error().code(), body);
        assertEquals(param, refused.error().param(), body);
        assertEquals("invalid_request_error", refused.error().type(), body);
    }
}
