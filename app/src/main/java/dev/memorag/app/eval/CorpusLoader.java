package dev.memorag.app.eval;

import com.fasterxml.jackson.databind.JsonNode;
import dev.memorag.schemas.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * Puts an eval context into memory through the ingest gateway, the way any client would (gateway → Kafka →
 * admission → Flink chunk + embed → worker), and waits until the worker has applied it.
 */
final class CorpusLoader {
    /** The one document of an eval corpus: its context. */
    static final String DOC = "context";

    private final HttpClient http = HttpClient.newHttpClient();
    private final String ingestUrl;
    private final String adminToken;
    private final PrintStream out;

    CorpusLoader(String ingestUrl, String adminToken, PrintStream out) {
        this.ingestUrl = ingestUrl;
        this.adminToken = adminToken;
        this.out = out;
    }

    /** Creates the corpus unless it exists, uploads the context unless it is memorized, and waits for memory. */
    void load(String corpus, String context, Duration timeout) throws IOException, InterruptedException {
        HttpResponse<String> created = send(request("/v1/corpora").header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.writeString(Map.of("id", corpus)))));
        if (created.statusCode() != 201 && created.statusCode() != 409) {
            throw new IOException("cannot create corpus " + corpus + ": " + created.body());
        }
        if (stage(corpus).equals("memorized")) {
            return;
        }
        HttpResponse<String> put = send(request(documentPath(corpus)).header("content-type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(Json.writeString(Map.of("text", context)))));
        if (put.statusCode() != 202) {
            throw new IOException("the gateway refused the context of " + corpus + ": " + put.body());
        }
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        for (String stage = stage(corpus); !stage.equals("memorized"); stage = stage(corpus)) {
            if (stage.equals("rejected")) {
                throw new IOException("admission rejected the context of " + corpus);
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("the context of " + corpus + " was not memorized within " + timeout);
            }
            out.printf("\ringesting %s (%,d chars): %-10s %3d s", corpus, context.length(), stage,
                    (System.nanoTime() - start) / 1_000_000_000);
            out.flush();
            Thread.sleep(500);
        }
        out.printf("\ringesting %s (%,d chars): memorized in %d s%n", corpus, context.length(),
                (System.nanoTime() - start) / 1_000_000_000);
    }

    /** The document's stage, or "pending" while the status table has not seen it. */
    private String stage(String corpus) throws IOException, InterruptedException {
        HttpResponse<String> reply = send(request(documentPath(corpus)).GET());
        if (reply.statusCode() != 200) {
            return "pending";
        }
        JsonNode status = Json.MAPPER.readTree(reply.body());
        return status.path("stage").asText("pending");
    }

    private static String documentPath(String corpus) {
        return "/v1/corpora/" + corpus + "/documents/" + DOC;
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(ingestUrl + path)).header("authorization", "Bearer " + adminToken);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
