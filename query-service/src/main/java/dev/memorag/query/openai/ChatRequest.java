package dev.memorag.query.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.memorag.schemas.ErrorCode;
import dev.memorag.schemas.ErrorInfo;
import dev.memorag.schemas.InvalidRecordException;
import dev.memorag.schemas.Json;
import dev.memorag.schemas.Question;
import dev.memorag.schemas.RecordType;
import dev.memorag.schemas.RecordValidator;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;

/**
 * A {@code POST /v1/chat/completions} body read as a question: {@code model} names the corpus, the last message is
 * the user's question, and the newest earlier turns that fit in {@link #CONVERSATION_CHARS} become the question's
 * conversation (older ones are left out: memory backends read it in front of their clue prompts). One answer per
 * request ({@code n} above 1 is refused), text content only, no tools. Sampling settings ({@code temperature},
 * {@code top_p}…) are accepted and ignored: the generators decode greedily, as MemoRAG does.
 */
record ChatRequest(String model, String question, String conversation, boolean stream, Integer maxTokens) {
    /** question.schema.json's bound on {@code conversation}. */
    static final int CONVERSATION_CHARS = 8192;

    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant");

    /** Thrown for a body that is not a usable chat request, with the OpenAI error to answer. */
    static final class Refused extends RuntimeException {
        private final transient OpenAiError error;

        Refused(OpenAiError error) {
            super(error.message());
            this.error = error;
        }

        OpenAiError error() {
            return error;
        }
    }

    static ChatRequest parse(byte[] body) {
        JsonNode tree;
        try {
            tree = body == null || body.length == 0 ? null : Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw refused(
                    ErrorCode.MALFORMED_JSON,
                    null,
                    "the body is not JSON: "
                            + e.getMessage().lines().findFirst().orElse(""));
        }
        if (tree == null || !tree.isObject()) {
            throw refused(
                    ErrorCode.MALFORMED_JSON,
                    null,
                    "the body must be a JSON object such as {\"model\": \"<corpus>\", \"messages\": [...]}");
        }
        JsonNode model = tree.path("model");
        if (!model.isTextual() || model.asText().isBlank()) {
            throw refused(ErrorCode.SCHEMA_VIOLATION, "model", "'model' must name a corpus, e.g. \"docs\"");
        }
        JsonNode n = tree.path("n");
        if (!n.isMissingNode() && !n.isNull() && !(n.canConvertToInt() && n.isIntegralNumber() && n.asInt() == 1)) {
            throw refused(ErrorCode.SCHEMA_VIOLATION, "n", "'n' must be 1: one answer per question, got " + n);
        }
        JsonNode tools = tree.path("tools");
        if (tools.isArray() && !tools.isEmpty()) {
            throw refused(
                    ErrorCode.SCHEMA_VIOLATION,
                    "tools",
                    "tools are not supported: the answer comes from the " + "corpus");
        }
        return new ChatRequest(model.asText(), null, null, flag(tree, "stream"), maxTokens(tree))
                .withMessages(tree.path("messages"));
    }

    private ChatRequest withMessages(JsonNode messages) {
        if (!messages.isArray() || messages.isEmpty()) {
            throw refused(
                    ErrorCode.SCHEMA_VIOLATION,
                    "messages",
                    "'messages' must be a non-empty array of {\"role\", \"content\"}");
        }
        String[] roles = new String[messages.size()];
        String[] texts = new String[messages.size()];
        boolean anyUser = false;
        for (int i = 0; i < messages.size(); i++) {
            JsonNode message = messages.get(i);
            String at = "messages[" + i + "]";
            if (!message.isObject()) {
                throw refused(ErrorCode.SCHEMA_VIOLATION, at, at + " must be an object {\"role\", \"content\"}");
            }
            JsonNode role = message.path("role");
            if (!role.isTextual() || !ROLES.contains(role.asText())) {
                throw refused(
                        ErrorCode.SCHEMA_VIOLATION,
                        at + ".role",
                        at + ".role " + role + " is not supported: use system, developer, user or assistant");
            }
            roles[i] = role.asText();
            texts[i] = text(message.path("content"), at + ".content");
            anyUser |= roles[i].equals("user");
        }
        int last = messages.size() - 1;
        if (!anyUser) {
            throw refused(
                    ErrorCode.SCHEMA_VIOLATION,
                    "messages",
                    "no user message: the last message must be the " + "user's question");
        }
        if (!roles[last].equals("user") || texts[last].isBlank()) {
            throw refused(
                    ErrorCode.SCHEMA_VIOLATION,
                    "messages[" + last + "]",
                    "the last message must be the user's question, with text");
        }
        return new ChatRequest(model, texts[last], conversation(roles, texts, last), stream, maxTokens);
    }

    /** The newest turns before {@code question} that fit in {@link #CONVERSATION_CHARS}, oldest first; or null. */
    private static String conversation(String[] roles, String[] texts, int question) {
        Deque<String> kept = new ArrayDeque<>();
        int chars = 0;
        for (int i = question - 1; i >= 0; i--) {
            if (texts[i].isBlank()) {
                continue;
            }
            String line = roles[i] + ": " + texts[i].strip();
            int added = line.length() + (kept.isEmpty() ? 0 : 1);
            if (chars + added > CONVERSATION_CHARS) {
                break;
            }
            kept.addFirst(line);
            chars += added;
        }
        return kept.isEmpty() ? null : String.join("\n", kept);
    }

    /** A message's text: a string, an array of {@code {"type": "text", "text"}} parts, or null (no text). */
    private static String text(JsonNode content, String at) {
        if (content.isMissingNode() || content.isNull()) {
            return "";
        }
        if (content.isTextual()) {
            return content.asText();
        }
        if (!content.isArray()) {
            throw refused(ErrorCode.SCHEMA_VIOLATION, at, at + " must be a string or an array of text parts");
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode part : content) {
            if (!part.path("type").asText().equals("text") || !part.path("text").isTextual()) {
                throw refused(
                        ErrorCode.SCHEMA_VIOLATION,
                        at,
                        at + " holds a part that is not "
                                + "{\"type\": \"text\", \"text\": \"...\"}: only text is supported");
            }
            text.append(text.isEmpty() ? "" : "\n").append(part.path("text").asText());
        }
        return text.toString();
    }

    private static boolean flag(JsonNode tree, String name) {
        JsonNode value = tree.path(name);
        if (value.isMissingNode() || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw refused(ErrorCode.SCHEMA_VIOLATION, name, "'" + name + "' must be true or false");
        }
        return value.asBoolean();
    }

    /** {@code max_completion_tokens}, or the older {@code max_tokens}; the question schema bounds it. */
    private static Integer maxTokens(JsonNode tree) {
        for (String name : new String[] {"max_completion_tokens", "max_tokens"}) {
            JsonNode value = tree.path(name);
            if (value.isMissingNode() || value.isNull()) {
                continue;
            }
            if (!value.isIntegralNumber() || !value.canConvertToInt()) {
                throw refused(ErrorCode.SCHEMA_VIOLATION, name, "'" + name + "' must be an integer");
            }
            return value.asInt();
        }
        return null;
    }

    /** The question to route, checked against question.schema.json like every question entering the system. */
    Question toQuestion(String id, RecordValidator validator) {
        ObjectNode node = Json.MAPPER
                .createObjectNode()
                .put("schemaVersion", 1)
                .put("id", id)
                .put("corpus", model)
                .put("question", question)
                .put("stream", stream);
        if (conversation != null) {
            node.put("conversation", conversation);
        }
        if (maxTokens != null) {
            node.put("maxTokens", maxTokens);
        }
        try {
            return validator.parse(RecordType.QUESTION, Json.write(node));
        } catch (InvalidRecordException e) {
            throw new Refused(OpenAiError.of(e.toErrorInfo()));
        }
    }

    private static Refused refused(ErrorCode code, String param, String message) {
        return new Refused(OpenAiError.of(ErrorInfo.of(code, message), param));
    }
}
