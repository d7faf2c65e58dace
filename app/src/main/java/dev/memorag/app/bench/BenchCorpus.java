package dev.memorag.app.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.memorag.schemas.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The corpus a query benchmark asks: created through a gateway and filled with one document, waited for. */
final class BenchCorpus {
    private BenchCorpus() {
    }

    /** Creates {@code corpus} with {@code text} as its one document; returns its token once it is memorized. */
    static String ingest(String ingestUrl, String adminToken, String corpus, String text) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(ingestUrl + "/v1/corpora"))
                .header("authorization", "Bearer " + adminToken)
                .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"" + corpus + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        String token = Json.MAPPER.readTree(created.body()).path("token").asText();
        String doc = ingestUrl + "/v1/corpora/" + corpus + "/documents/corpus.txt";
        http.send(HttpRequest.newBuilder(URI.create(doc)).header("authorization", "Bearer " + token)
                .header("content-type", "text/plain").PUT(HttpRequest.BodyPublishers.ofString(text)).build(),
                HttpResponse.BodyHandlers.ofString());
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode status = Json.MAPPER.readTree(http.send(HttpRequest.newBuilder(URI.create(doc))
                    .header("authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString()).body());
            if ("memorized".equals(status.path("stage").asText())) {
                return token;
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("the bench corpus was not memorized in 10 minutes");
    }
}
