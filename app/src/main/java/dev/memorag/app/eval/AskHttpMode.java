package dev.memorag.app.eval;

import com.fasterxml.jackson.databind.JsonNode;
import dev.memorag.schemas.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code bm25}, {@code dense} and {@code hybrid}: the question asked over the stack's real HTTP path (query edge →
 * Kafka → worker: question-only retrieval in that mode, top-3, extractive generator → Kafka → edge), so the latency
 * is end to end and only retrieval differs between modes. The mode's name is the question's {@code retrieval}
 * option; the answer must say that it ran.
 */
final class AskHttpMode implements Mode {
    static final String BM25 = "bm25";
    static final String DENSE = "dense";
    static final String HYBRID = "hybrid";

    private final HttpClient http = HttpClient.newHttpClient();
    private final String retrieval;
    private final String httpUrl;
    private final String token;

    /** {@code token}: the admin token, so that one mode can ask every corpus the run created. */
    AskHttpMode(String retrieval, String httpUrl, String token) {
        this.retrieval = retrieval;
        this.httpUrl = httpUrl;
        this.token = token;
    }

    @Override
    public String name() {
        return retrieval;
    }

    @Override
    public Reply ask(EvalExample example) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(httpUrl + "/v1/corpora/" + example.corpus() + "/ask"))
                .header("content-type", "application/json")
                .header("authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(
                        Json.writeString(Map.of("question", example.question(), "retrieval", retrieval))))
                .build();
        long start = System.nanoTime();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        long latencyMs = (System.nanoTime() - start) / 1_000_000;
        JsonNode body = Json.MAPPER.readTree(response.body());
        if (response.statusCode() != 200) {
            throw new IOException(
                    "ask for " + example.id() + " failed with " + response.statusCode() + ": " + body.path("error"));
        }
        if (!retrieval.equals(body.path("retrieval").asText())) {
            throw new IOException("asked for " + retrieval + " retrieval, the answer says " + body.path("retrieval"));
        }
        List<String> evidence = new ArrayList<>();
        body.path("evidence").forEach(e -> evidence.add(e.path("text").asText()));
        return new Reply(body.path("answer").asText(), evidence, latencyMs);
    }
}
