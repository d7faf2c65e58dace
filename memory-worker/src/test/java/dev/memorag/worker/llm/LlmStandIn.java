package dev.memorag.worker.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

/**
 * A scripted stand-in for an OpenAI-compatible chat completions server (an outside LLM service is the one thing a
 * test may replace): it records every call and answers as its {@link Script} says. The default script answers
 * MemoRAG's gist prompt with a gist that names a digest and the first words of the text it summarizes (so equal
 * input gives equal gists), and every other prompt with two clue lines.
 */
public final class LlmStandIn implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request as it arrived. */
    public record Call(String model, List<ChatMessage> messages, int maxTokens, boolean stream) {
        /** The last user message: the gist prompt or the recall turn. */
        public String prompt() {
            return messages.get(messages.size() - 1).content();
        }

        public boolean isGist() {
            return prompt().startsWith("Please summarize the core content of the following text");
        }

        /** Prompt tokens as the memory's budgets count them (about four characters a token). */
        public int promptTokens() {
            return messages.stream()
                    .mapToInt(m -> (m.content().length() + 3) / 4)
                    .sum();
        }
    }

    /** What to answer: a status (with a text body or the completion), after a delay, with a Retry-After or none. */
    public record Reply(int status, String text, Duration delay, Integer retryAfter) {
        public static Reply ok(String text) {
            return new Reply(200, text, Duration.ZERO, null);
        }

        public static Reply status(int status, Integer retryAfter) {
            return new Reply(
                    status, "{\"error\":{\"message\":\"stand-in says " + status + "\"}}", Duration.ZERO, retryAfter);
        }

        public Reply after(Duration wait) {
            return new Reply(status, text, wait, retryAfter);
        }
    }

    @FunctionalInterface
    public interface Script {
        Reply reply(Call call, int index);
    }

    private final HttpServer server;
    private final ExecutorService handlers = Executors.newCachedThreadPool();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private volatile Script script;

    public LlmStandIn(Script script) throws IOException {
        this.script = script;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(handlers);
        server.createContext("/v1/chat/completions", this::handle);
        server.start();
    }

    /** Answers as MemoRAG's model would, in shape: gists of {@code gistChars} characters, clue lines otherwise. */
    public static Script memoRag(int gistChars) {
        return (call, index) -> Reply.ok(
                call.isGist()
                        ? gist(call.prompt(), gistChars)
                        : "Scrooge signed the register of Marley's burial\nThe clerk and the undertaker signed it too");
    }

    /** A deterministic gist of a gist prompt: a digest of the text and its first words, padded to {@code chars}. */
    public static String gist(String prompt, int chars) {
        String text = prompt.substring(prompt.indexOf("Text: ") + 6, prompt.lastIndexOf("\n\nPlease output"));
        String head = "gist " + digest(text) + ": "
                + Arrays.stream(text.split("\\s+")).limit(8).collect(Collectors.joining(" "));
        StringBuilder out = new StringBuilder(head);
        while (out.length() < chars) {
            out.append(" and so on");
        }
        return out.toString();
    }

    private static String digest(String text) {
        try {
            byte[] sha = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public void script(Script next) {
        this.script = next;
    }

    /** The API root to configure, {@code http://127.0.0.1:port/v1}. */
    public URI base() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
    }

    public List<Call> calls() {
        return new ArrayList<>(calls);
    }

    public List<Call> gistCalls() {
        return calls.stream().filter(Call::isGist).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            JsonNode body = JSON.readTree(exchange.getRequestBody());
            List<ChatMessage> messages = new ArrayList<>();
            body.path("messages")
                    .forEach(m -> messages.add(new ChatMessage(
                            m.path("role").asText(), m.path("content").asText())));
            Call call = new Call(
                    body.path("model").asText(),
                    messages,
                    body.path("max_tokens").asInt(),
                    body.path("stream").asBoolean());
            int index = calls.size();
            calls.add(call);
            Reply reply = script.reply(call, index);
            if (!reply.delay().isZero()) {
                try {
                    Thread.sleep(reply.delay().toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            if (reply.retryAfter() != null) {
                exchange.getResponseHeaders().add("Retry-After", String.valueOf(reply.retryAfter()));
            }
            byte[] out = (reply.status() != 200
                            ? reply.text()
                            : call.stream() ? streamed(reply.text()) : completion(call, reply.text()))
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders()
                    .add(
                            "Content-Type",
                            call.stream() && reply.status() == 200 ? "text/event-stream" : "application/json");
            exchange.sendResponseHeaders(reply.status(), out.length);
            try (OutputStream response = exchange.getResponseBody()) {
                response.write(out);
            }
        } catch (IOException e) {
            // the caller hung up (its timeout): nothing to answer
        }
    }

    private static String completion(Call call, String text) {
        var root = JSON.createObjectNode()
                .put("id", "chatcmpl-standin")
                .put("object", "chat.completion")
                .put("model", call.model());
        root.putArray("choices")
                .addObject()
                .put("index", 0)
                .put("finish_reason", "stop")
                .putObject("message")
                .put("role", "assistant")
                .put("content", text);
        root.putObject("usage").put("prompt_tokens", call.promptTokens());
        return root.toString();
    }

    private static String streamed(String text) {
        var chunk = JSON.createObjectNode();
        chunk.putArray("choices").addObject().put("index", 0).putObject("delta").put("content", text);
        return "data: " + chunk + "\n\ndata: [DONE]\n\n";
    }

    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
    }
}
