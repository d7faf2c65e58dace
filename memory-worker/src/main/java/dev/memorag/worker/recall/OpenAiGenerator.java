package dev.memorag.worker.recall;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The {@code openai} generator: any OpenAI-compatible chat completions endpoint (vLLM, Ollama, llama.cpp server…),
 * streamed, with MemoRAG's answer prompt as the one user message.
 */
public final class OpenAiGenerator implements AnswerGenerator {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final URI completions;
    private final String model;
    private final String apiKey;

    /** {@code baseUrl} is the API root, e.g. {@code http://localhost:8000/v1}. */
    public OpenAiGenerator(URI baseUrl, String model, String apiKey) {
        String base = baseUrl.toString();
        this.completions = URI.create((base.endsWith("/") ? base : base + "/") + "chat/completions");
        this.model = model;
        this.apiKey = apiKey;
    }

    @Override
    public String name() {
        return "openai:" + model;
    }

    @Override
    public Generated answer(Request request, Consumer<String> onText) {
        ObjectNode body = JSON.createObjectNode().put("model", model).put("stream", true)
                .put("temperature", 0).put("max_tokens", request.question().maxTokensOrDefault());
        body.putArray("messages").addObject().put("role", "user").put("content", request.prompt());
        HttpRequest.Builder post = HttpRequest.newBuilder(completions).timeout(Duration.ofMinutes(5))
                .header("Content-Type", "application/json").header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (apiKey != null && !apiKey.isBlank()) {
            post.header("Authorization", "Bearer " + apiKey);
        }
        try {
            HttpResponse<InputStream> response = http.send(post.build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                if (response.statusCode() >= 300) {
                    throw new IllegalStateException("the generator at " + completions + " answered HTTP "
                            + response.statusCode() + ": " + new String(in.readNBytes(500), StandardCharsets.UTF_8));
                }
                return Generated.written(readStream(in, onText));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the generator at " + completions + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + completions, e);
        }
    }

    /** Server-sent events: each {@code data:} line is a chunk with a content delta, until {@code [DONE]}. */
    private static String readStream(InputStream in, Consumer<String> onText) throws IOException {
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
            JsonNode delta = JSON.readTree(data).path("choices").path(0).path("delta").path("content");
            if (delta.isTextual() && !delta.asText().isEmpty()) {
                text.append(delta.asText());
                onText.accept(delta.asText());
            }
        }
        return text.toString();
    }
}
