package dev.memorag.worker.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * The chat completions call of any OpenAI-compatible server (vLLM, Ollama, llama.cpp server, hosted APIs), greedy,
 * plain or streamed. Transient failures (timeouts, refused connections, 429, 5xx) are retried as the {@link
 * RetryPolicy} says; a streamed call is only retried before its first text arrives, so nothing is streamed twice.
 */
public final class OpenAiClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final URI completions;
    private final String model;
    private final String apiKey;
    private final RetryPolicy retry;

    /** {@code baseUrl} is the API root, e.g. {@code http://localhost:8000/v1}. */
    public OpenAiClient(URI baseUrl, String model, String apiKey, RetryPolicy retry) {
        String base = baseUrl.toString();
        this.completions = URI.create((base.endsWith("/") ? base : base + "/") + "chat/completions");
        this.model = model;
        this.apiKey = apiKey;
        this.retry = retry;
    }

    public String model() {
        return model;
    }

    /** The whole answer to {@code messages}, at most {@code maxTokens} long. */
    public String complete(List<ChatMessage> messages, int maxTokens) {
        try (InputStream in = send(request(messages, maxTokens, false), false)) {
            JsonNode content =
                    JSON.readTree(in).path("choices").path(0).path("message").path("content");
            return content.isTextual() ? content.asText() : "";
        } catch (IOException e) {
            throw new EndpointException("reading the answer of " + completions + " failed: " + e.getMessage(), e);
        }
    }

    /** Streams the answer to {@code messages} to {@code onText} as it is generated, and returns all of it. */
    public String stream(List<ChatMessage> messages, int maxTokens, Consumer<String> onText) {
        try (InputStream in = send(request(messages, maxTokens, true), true)) {
            return readEvents(in, onText);
        } catch (IOException e) {
            throw new EndpointException("the stream of " + completions + " broke: " + e.getMessage(), e);
        }
    }

    private HttpRequest request(List<ChatMessage> messages, int maxTokens, boolean stream) {
        ObjectNode body = JSON.createObjectNode()
                .put("model", model)
                .put("stream", stream)
                .put("temperature", 0)
                .put("max_tokens", maxTokens);
        ArrayNode array = body.putArray("messages");
        messages.forEach(m -> array.addObject().put("role", m.role()).put("content", m.content()));
        HttpRequest.Builder post = HttpRequest.newBuilder(completions)
                .timeout(retry.timeout())
                .header("Content-Type", "application/json")
                .header("Accept", stream ? "text/event-stream" : "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (apiKey != null && !apiKey.isBlank()) {
            post.header("Authorization", "Bearer " + apiKey);
        }
        return post.build();
    }

    /** The body of the first successful attempt; the caller closes it. */
    private InputStream send(HttpRequest request, boolean stream) {
        String last = null;
        for (int attempt = 1; ; attempt++) {
            Duration serverWish = null;
            try {
                HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
                int status = response.statusCode();
                if (status < 300) {
                    return response.body();
                }
                String body;
                try (InputStream in = response.body()) {
                    body = new String(in.readNBytes(500), StandardCharsets.UTF_8);
                }
                last = "HTTP " + status + ": " + body;
                if (status != 429 && status < 500) {
                    throw new EndpointException("the LLM endpoint " + completions + " answered " + last, null);
                }
                serverWish = response.headers()
                        .firstValue("Retry-After")
                        .map(OpenAiClient::seconds)
                        .orElse(null);
            } catch (IOException e) { // connection refused or reset, or the attempt's timeout
                last = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EndpointException("interrupted while waiting for " + completions, e);
            }
            if (attempt >= retry.attempts()) {
                throw new EndpointException(
                        "the LLM endpoint " + completions + " failed " + attempt + " times, last: " + last, null);
            }
            try {
                Thread.sleep(retry.waitAfter(attempt, serverWish).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EndpointException("interrupted while retrying " + completions, e);
            }
        }
    }

    /** {@code Retry-After} in seconds; the HTTP-date form is rare from LLM servers and falls back to the backoff. */
    private static Duration seconds(String value) {
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value.strip())));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Server-sent events: each {@code data:} line is a chunk with a content delta, until {@code [DONE]}. */
    private static String readEvents(InputStream in, Consumer<String> onText) throws IOException {
        StringBuilder text = new StringBuilder();
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            if (!line.startsWith("data:")) {
                continue;
            }
            String data = line.substring(5).strip();
            if (data.equals("[DONE]")) {
                break;
            }
            JsonNode delta =
                    JSON.readTree(data).path("choices").path(0).path("delta").path("content");
            if (delta.isTextual() && !delta.asText().isEmpty()) {
                text.append(delta.asText());
                onText.accept(delta.asText());
            }
        }
        return text.toString();
    }
}
