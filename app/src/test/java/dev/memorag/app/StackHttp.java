package dev.memorag.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.memorag.schemas.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** The HTTP calls app tests make to an embedded stack: JSON posts with a token, documents put and awaited. */
final class StackHttp {
    static final HttpClient HTTP = HttpClient.newHttpClient();

    private StackHttp() {}

    static HttpRequest post(String url, String token, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("authorization", "Bearer " + token);
        }
        return b.build();
    }

    static HttpResponse<String> send(HttpRequest request) throws Exception {
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** Sends {@code request} {@code times} at once; the responses in the order sent. */
    static List<HttpResponse<String>> burst(HttpRequest request, int times) throws Exception {
        List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            sent.add(HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
        }
        List<HttpResponse<String>> responses = new ArrayList<>();
        for (var f : sent) {
            responses.add(f.get(60, TimeUnit.SECONDS));
        }
        return responses;
    }

    /** Puts a text document through the gateway; it is admitted (202). */
    static void put(EmbeddedStack stack, String token, String corpus, String doc, String text) throws Exception {
        HttpResponse<String> r = send(
                HttpRequest.newBuilder(URI.create(stack.ingestUrl() + "/v1/corpora/" + corpus + "/documents/" + doc))
                        .header("authorization", "Bearer " + token)
                        .header("content-type", "text/plain")
                        .PUT(HttpRequest.BodyPublishers.ofString(text))
                        .build());
        assertEquals(202, r.statusCode(), r.body());
    }

    /** Waits up to two minutes until the document's stage is {@code memorized}. */
    static void awaitMemorized(EmbeddedStack stack, String token, String corpus, String doc) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (true) {
            HttpResponse<String> r = send(HttpRequest.newBuilder(
                            URI.create(stack.ingestUrl() + "/v1/corpora/" + corpus + "/documents/" + doc))
                    .header("authorization", "Bearer " + token)
                    .build());
            if (r.statusCode() == 200
                    && Json.MAPPER.readTree(r.body()).path("stage").asText().equals("memorized")) {
                return;
            }
            assertTrue(System.nanoTime() < deadline, corpus + "/" + doc + " memorized within 2 min: " + r.body());
            Thread.sleep(200);
        }
    }
}
